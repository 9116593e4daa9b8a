#include "core/search/search_rank.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <memory>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "core/search/text_tokenizer.h"

namespace newswire {
namespace {

constexpr double kK1 = 1.2;
constexpr double kB = 0.75;
constexpr int kColumns = static_cast<int>(std::size(kColumnWeights));

// What one query's scores share, computed at its first row.
struct QueryConstants {
  double average_length = 1.0;  // Tokens in the weighted columns, per row.
  std::vector<double> idf;      // Per phrase; 0 for phrases without a df.
};

int ComputeConstants(const Fts5ExtensionApi* api, Fts5Context* fts, int nargs,
                     sqlite3_value** args, QueryConstants& k) {
  sqlite3_int64 rows = 0;
  if (int rc = api->xRowCount(fts, &rows); rc != SQLITE_OK) return rc;
  sqlite3_int64 tokens = 0;
  for (int c = 0; c < kColumns; ++c) {
    if (kColumnWeights[c] == 0) continue;
    sqlite3_int64 n = 0;
    if (int rc = api->xColumnTotalSize(fts, c, &n); rc != SQLITE_OK) return rc;
    tokens += n;
  }
  if (rows > 0 && tokens > 0) k.average_length = static_cast<double>(tokens) / rows;
  k.idf.assign(api->xPhraseCount(fts), 0.0);
  for (int i = 0; i < nargs && i < static_cast<int>(k.idf.size()); ++i) {
    const double df = sqlite3_value_double(args[i]);
    // As bm25(): never zero or negative, so a phrase in most rows still counts.
    k.idf[i] = std::max(1e-6, std::log((rows - df + 0.5) / (df + 0.5)));
  }
  return SQLITE_OK;
}

void Rank(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int nargs,
          sqlite3_value** args) {
  auto* k = static_cast<QueryConstants*>(api->xGetAuxdata(fts, 0));
  if (k == nullptr) {
    auto owned = std::make_unique<QueryConstants>();
    if (int rc = ComputeConstants(api, fts, nargs, args, *owned); rc != SQLITE_OK) {
      sqlite3_result_error_code(ctx, rc);
      return;
    }
    k = owned.release();
    if (int rc = api->xSetAuxdata(fts, k, [](void* p) { delete static_cast<QueryConstants*>(p); });
        rc != SQLITE_OK) {
      sqlite3_result_error_code(ctx, rc);  // xSetAuxdata has deleted k.
      return;
    }
  }
  // Each phrase's occurrences in this row, weighted by column.
  absl::InlinedVector<double, 16> frequency(k->idf.size(), 0.0);
  int instances = 0;
  if (int rc = api->xInstCount(fts, &instances); rc != SQLITE_OK) {
    sqlite3_result_error_code(ctx, rc);
    return;
  }
  for (int i = 0; i < instances; ++i) {
    int phrase = 0, column = 0, offset = 0;
    if (int rc = api->xInst(fts, i, &phrase, &column, &offset); rc != SQLITE_OK) {
      sqlite3_result_error_code(ctx, rc);
      return;
    }
    if (column < kColumns && phrase < static_cast<int>(frequency.size())) {
      frequency[phrase] += kColumnWeights[column];
    }
  }
  int length = 0;
  for (int c = 0; c < kColumns; ++c) {
    if (kColumnWeights[c] == 0) continue;
    int n = 0;
    if (int rc = api->xColumnSize(fts, c, &n); rc != SQLITE_OK) {
      sqlite3_result_error_code(ctx, rc);
      return;
    }
    length += n;
  }
  const double norm = kK1 * (1 - kB + kB * length / k->average_length);
  double score = 0;
  for (size_t i = 0; i < frequency.size(); ++i) {
    score += k->idf[i] * frequency[i] * (kK1 + 1) / (frequency[i] + norm);
  }
  sqlite3_result_double(ctx, score);
}

}  // namespace

absl::Status RegisterRankFunction(SqliteConnection& db) {
  absl::StatusOr<fts5_api*> api = FindFts5Api(db);
  if (!api.ok()) return api.status();
  const int rc = (*api)->xCreateFunction(*api, kRankFunction, nullptr, &Rank, nullptr);
  if (rc != SQLITE_OK) return db.Error(rc, "registering the search rank function");
  return absl::OkStatus();
}

}  // namespace newswire
