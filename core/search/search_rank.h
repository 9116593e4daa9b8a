// The relevance score of search: an FTS5 auxiliary function,
//
//   newswire_rank(article_text, df_0, df_1, …)
//
// Okapi BM25 (k1 = 1.2, b = 0.75) over the text columns of the index, the
// headline weighted 10, the dateline 3, the summary 2 and the body 1: the
// formula of FTS5's built-in bm25(), except that the document frequency of
// each phrase (how many articles hold it) comes from the caller. bm25()
// counts them itself, once per query, by reading every article that holds
// each phrase, so a word in most of a million articles costs ~20 ms before
// the first row is scored; the caller can instead estimate them from a
// sample (see sqlite_search.cc). Phrase i of the MATCH expression uses
// df_i; phrases past the last argument (filter terms) add nothing. The
// result is positive, higher is more relevant.
#ifndef NEWSWIRE_CORE_SEARCH_SEARCH_RANK_H_
#define NEWSWIRE_CORE_SEARCH_SEARCH_RANK_H_

#include "absl/status/status.h"
#include "core/base/sqlite.h"

namespace newswire {

inline constexpr char kRankFunction[] = "newswire_rank";

// Weights of the FTS table's columns: headline, dateline, summary, body,
// and the filter terms, which must not move a score.
inline constexpr double kColumnWeights[] = {10.0, 3.0, 2.0, 1.0, 0.0};

// Makes kRankFunction available on `db`.
// REQUIRES: called once per connection.
absl::Status RegisterRankFunction(SqliteConnection& db);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_SEARCH_SEARCH_RANK_H_
