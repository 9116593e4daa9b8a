#include "core/store/sqlite_search.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/base/quote_input.h"
#include "core/ingest/letters.h"
#include "core/model/article.h"
#include "core/search/feed_filter.h"
#include "core/search/search_query.h"
#include "core/search/search_rank.h"
#include "core/model/sha256.h"
#include "core/store/sqlite_archive.h"

namespace newswire {

const char kSearchIndexSchema[] = R"sql(
  CREATE TABLE current_articles (
    rowid INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    version INTEGER NOT NULL,
    sequence INTEGER NOT NULL,
    pub_status INTEGER NOT NULL,
    first_created_us INTEGER NOT NULL,
    language TEXT NOT NULL,
    urgency INTEGER NOT NULL
  );
  CREATE INDEX current_by_created ON current_articles (first_created_us);
  CREATE VIRTUAL TABLE article_text USING fts5 (
    headline, dateline, summary, body, terms,
    tokenize = 'unicode61 remove_diacritics 2'
  );
  CREATE VIRTUAL TABLE article_vocab USING fts5vocab (article_text, row);
)sql";

namespace {

// The kinds of filterable term, each indexed as one token of the FTS
// table's `terms` column: a private-use character (so no word of text
// begins like one), its letter, then a hash of the lower-cased value (see
// TermToken), so that a filter is one more term of the MATCH.
enum TermField : char {
  kSubject = 's',
  kPlace = 'p',
  kPerson = 'e',
  kOrganisation = 'o',
  kSource = 'r',
  kKeyword = 'k',
  kStatus = 'u',
};

// The columns a query's words are looked for in: all but `terms`.
constexpr char kTextColumns[] = "{headline dateline summary body}";

absl::Status Step(SqliteConnection& db, SqliteStatement& stmt, absl::string_view doing) {
  const int rc = stmt.Step();
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) return absl::OkStatus();
  return db.Error(rc, doing);
}

// The token standing for `value` of kind `field`: as case-blind as
// subscription filters are (CaseBlind), and one token whatever the value
// holds (spaces, punctuation), so "New York" never matches "York".
std::string TermToken(TermField field, absl::string_view value) {
  return absl::StrCat("\xEE\x80\x80", std::string(1, field),  // U+E000
                      Sha256Hex(CaseBlind(value), 10));
}

// Adds the tokens of `entities` (name, and code where it differs) to `terms`.
void AddEntityTokens(TermField field,
                     const google::protobuf::RepeatedPtrField<v1::Entity>& entities,
                     std::vector<std::string>& terms) {
  for (const v1::Entity& e : entities) {
    if (!e.name().empty()) terms.push_back(TermToken(field, e.name()));
    if (!e.code().empty() && e.code() != e.name()) terms.push_back(TermToken(field, e.code()));
  }
}

// The `terms` column of `article`: a token per filterable value.
std::string TermsColumn(const Article& article) {
  std::vector<std::string> terms;
  AddEntityTokens(kSubject, article.subjects(), terms);
  AddEntityTokens(kPlace, article.places(), terms);
  AddEntityTokens(kPerson, article.people(), terms);
  AddEntityTokens(kOrganisation, article.organisations(), terms);
  if (!article.source().name().empty()) {
    terms.push_back(TermToken(kSource, article.source().name()));
  }
  for (const std::string& keyword : article.keywords()) {
    if (!keyword.empty()) terms.push_back(TermToken(kKeyword, keyword));
  }
  terms.push_back(TermToken(kStatus, absl::StrCat(article.pub_status())));
  return absl::StrJoin(terms, " ");
}

// A value bound to the next "?" of a statement being built: a number, or
// text when `text` is set.
struct Param {
  Param(int64_t n) : number(n) {}  // NOLINT: implicit, as a literal reads.
  Param(std::string t) : text(std::move(t)) {}  // NOLINT: likewise.
  int64_t number = 0;
  std::optional<std::string> text;
};

// Builds "x IN (?, ?, …)" and the parameters for it.
std::string InList(size_t n) {
  std::vector<std::string> marks(n, "?");
  return absl::StrCat("IN (", absl::StrJoin(marks, ", "), ")");
}

// The page token: which request it continues and where.
struct PageToken {
  std::string request_hash;
  uint64_t snapshot = 0;      // Relevance order: the newest row at the first page.
  uint64_t offset = 0;        // Relevance order: hits already shown.
  uint64_t before = 0;        // Newest order: the last row shown.
  // Relevance order: the document frequency of each phrase of the query, as
  // estimated at the first page, so every page ranks alike.
  std::vector<double> frequencies = {};
};

// Identifies a request apart from its paging, so a token is used only to
// continue the search it came from.
std::string RequestHash(v1::SearchArticlesRequest request) {
  request.clear_page_token();
  request.clear_page_size();
  std::string bytes;
  request.SerializeToString(&bytes);  // Deterministic enough: no maps.
  return Sha256Hex(bytes, 8);
}

std::string EncodeToken(const PageToken& t) {
  return absl::WebSafeBase64Escape(absl::StrCat("1|", t.request_hash, "|", t.snapshot, "|",
                                                t.offset, "|", t.before, "|",
                                                absl::StrJoin(t.frequencies, ",")));
}

absl::StatusOr<PageToken> DecodeToken(absl::string_view token, absl::string_view hash) {
  const absl::Status bad = absl::InvalidArgumentError(
      "page_token: not a token from this search (repeat the search from page one)");
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) return bad;
  const std::vector<absl::string_view> parts = absl::StrSplit(raw, '|');
  PageToken t;
  if (parts.size() != 6 || parts[0] != "1" || parts[1] != hash ||
      !absl::SimpleAtoi(parts[2], &t.snapshot) || !absl::SimpleAtoi(parts[3], &t.offset) ||
      !absl::SimpleAtoi(parts[4], &t.before)) {
    return bad;
  }
  for (absl::string_view f : absl::StrSplit(parts[5], ',', absl::SkipEmpty())) {
    double df = 0;
    if (!absl::SimpleAtod(f, &df) || !(df >= 0)) return bad;
    t.frequencies.push_back(df);
  }
  t.request_hash = std::string(parts[1]);
  return t;
}

// The FTS5 condition "the terms column holds any of `tokens`".
std::string AnyTerm(const std::vector<std::string>& tokens) {
  return absl::StrCat("terms : (", absl::StrJoin(tokens, " OR "), ")");
}

// The term kind standing for values of `field`.
TermField TermFieldOf(ValueField field) {
  switch (field) {
    case ValueField::kSubjects: return kSubject;
    case ValueField::kPlaces: return kPlace;
    case ValueField::kPeople: return kPerson;
    case ValueField::kOrganisations: return kOrganisation;
    case ValueField::kSources: return kSource;
    case ValueField::kKeywords: return kKeyword;
  }
  return kKeyword;
}

// Appends to `match` the FTS5 condition "any of `values` of kind `field`"
// when values are given.
void AddTermFilter(const google::protobuf::RepeatedPtrField<std::string>& values,
                   TermField field, std::vector<std::string>& match) {
  if (values.empty()) return;
  std::vector<std::string> tokens;
  for (const std::string& v : values) tokens.push_back(TermToken(field, v));
  match.push_back(AnyTerm(tokens));
}

// The snippets of `rows` for FTS5 query `fts`, in one pass over the range
// they span ("+rowid" keeps SQLite from turning the list into one FTS
// lookup per row, each of which would re-read the query's doclists).
absl::StatusOr<absl::flat_hash_map<uint64_t, std::string>> Snippets(
    SqliteConnection& db, const std::string& fts, const std::vector<uint64_t>& rows) {
  absl::flat_hash_map<uint64_t, std::string> snippets;
  if (rows.empty()) return snippets;
  const auto [lo, hi] = std::minmax_element(rows.begin(), rows.end());
  absl::StatusOr<std::unique_ptr<SqliteStatement>> stmt = db.PrepareOnce(absl::StrCat(
      "SELECT rowid, snippet(article_text, -1, '**', '**', '…', 24) FROM article_text "
      "WHERE article_text MATCH ?1 AND rowid BETWEEN ", *lo, " AND ", *hi,
      " AND +rowid IN (", absl::StrJoin(rows, ", "), ")"));
  if (!stmt.ok()) return stmt.status();
  (*stmt)->BindText(1, fts);
  int rc;
  while ((rc = (*stmt)->Step()) == SQLITE_ROW) {
    snippets[static_cast<uint64_t>((*stmt)->ColumnInt(0))] =
        std::string((*stmt)->ColumnBytes(1));
  }
  if (rc != SQLITE_DONE) return db.Error(rc, "making snippets");
  return snippets;
}

// A phrase of the MATCH expression and how many articles hold it, where known.
struct RankedPhrase {
  std::string match;
  std::optional<double> frequency;
};

// The words of the index that `prefix` (plain, lower-case) begins, as
// phrases with their exact frequencies: at most kMaxPrefixWords, else
// INVALID_ARGUMENT. FTS5 would merge every such word's list of articles
// for each use of the prefix (twice per search, with the snippets); as an
// OR of the words, only the newest part of each list is read.
absl::StatusOr<std::vector<RankedPhrase>> PrefixWords(SqliteConnection& db,
                                                      absl::string_view prefix) {
  absl::StatusOr<SqliteConnection::Scoped> stmt = db.Prepare(
      "SELECT term, doc FROM article_vocab WHERE term >= ?1 AND term < ?2 LIMIT ?3");
  if (!stmt.ok()) return stmt.status();
  std::string after = std::string(prefix);
  ++after.back();  // ASCII letters and digits: never overflows.
  (*stmt)->BindText(1, prefix);
  (*stmt)->BindText(2, after);
  (*stmt)->Bind(3, kMaxPrefixWords + 1);
  std::vector<RankedPhrase> words;
  int rc;
  while ((rc = (*stmt)->Step()) == SQLITE_ROW) {
    const int64_t articles = (*stmt)->ColumnInt(1);
    if (articles == 0) continue;
    // Words never hold a double quote (the tokenizer splits on it).
    words.push_back({.match = absl::StrCat("\"", (*stmt)->ColumnBytes(0), "\""),
                     .frequency = static_cast<double>(articles)});
  }
  if (rc != SQLITE_DONE) return db.Error(rc, "expanding a prefix");
  if (words.size() > kMaxPrefixWords) {
    return absl::InvalidArgumentError(
        absl::StrCat("query: ", QuoteInput(absl::StrCat(prefix, "*")),
                     " begins more than ", kMaxPrefixWords, " words; give more letters"));
  }
  return words;
}

// The text part of the MATCH expression for `query`, with each plain prefix
// written as the words it begins; adds its phrases to `phrases`, in order.
absl::StatusOr<std::string> TextMatch(SqliteConnection& db, const Fts5Query& query,
                                      std::vector<RankedPhrase>& phrases) {
  std::vector<std::string> rendered;
  for (const Fts5Query::Phrase& phrase : query.phrases) {
    if (phrase.plain_prefix.empty()) {
      rendered.push_back(phrase.match);
      phrases.push_back({.match = phrase.match, .frequency = std::nullopt});
      continue;
    }
    absl::StatusOr<std::vector<RankedPhrase>> words = PrefixWords(db, phrase.plain_prefix);
    if (!words.ok()) return words.status();
    if (words->empty()) {  // Matches nothing, and costs nothing to ask.
      rendered.push_back(phrase.match);
      phrases.push_back({.match = phrase.match, .frequency = 0});
      continue;
    }
    std::vector<std::string> matches;
    for (RankedPhrase& word : *words) {
      matches.push_back(word.match);
      phrases.push_back(std::move(word));
    }
    rendered.push_back(absl::StrCat("(", absl::StrJoin(matches, " OR "), ")"));
  }
  return absl::StrCat(kTextColumns, " : (",
                      query.Expression([&rendered](size_t i) { return rendered[i]; }), ")");
}

// Fills in how many articles (as of row `newest`) hold each phrase whose
// frequency is unknown: the newest kFrequencySample rows holding it, scaled
// by the share of rows they span, or the exact count when there are fewer.
// Reads at most that many entries per phrase, where counting them all would
// read every one.
absl::Status EstimateFrequencies(SqliteConnection& db, std::vector<RankedPhrase>& phrases,
                                 uint64_t newest) {
  constexpr int kFrequencySample = 1000;
  absl::StatusOr<SqliteConnection::Scoped> stmt = db.Prepare(
      "SELECT count(*), min(rowid) FROM (SELECT rowid FROM article_text "
      "WHERE article_text MATCH ?1 AND rowid <= ?2 ORDER BY rowid DESC LIMIT 1000)");
  if (!stmt.ok()) return stmt.status();
  for (RankedPhrase& phrase : phrases) {
    if (phrase.frequency.has_value()) continue;
    const std::string match = absl::StrCat(kTextColumns, " : ", phrase.match);
    (*stmt)->BindText(1, match);
    (*stmt)->Bind(2, static_cast<int64_t>(newest));
    if (const int rc = (*stmt)->Step(); rc != SQLITE_ROW) {
      return db.Error(rc, "estimating how common a search term is");
    }
    const double sampled = static_cast<double>((*stmt)->ColumnInt(0));
    const int64_t oldest_sampled = (*stmt)->ColumnInt(1);
    (*stmt)->Reset();
    phrase.frequency = sampled < kFrequencySample
                           ? sampled
                           : sampled * static_cast<double>(newest) /
                                 static_cast<double>(newest - oldest_sampled + 1);
  }
  return absl::OkStatus();
}

// The rows (lowest, highest) between which every article first created in
// [since, until) lies, when there are at most kFewArticles of them (counting
// more would cost more than it saves); none otherwise. Searches walk rows
// newest first and check the time of each, so a short range long ago would
// otherwise read every newer row; rows follow publication order, which
// follows creation, so the span is narrow.
absl::StatusOr<std::optional<std::pair<int64_t, int64_t>>> RowsCreatedBetween(
    SqliteConnection& db, int64_t since_us, int64_t until_us) {
  constexpr int kFewArticles = 50000;
  absl::StatusOr<SqliteConnection::Scoped> stmt = db.Prepare(
      "SELECT count(*), min(rowid), max(rowid) FROM (SELECT rowid FROM current_articles "
      "WHERE first_created_us >= ?1 AND first_created_us < ?2 LIMIT 50001)");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->Bind(1, since_us);
  (*stmt)->Bind(2, until_us);
  if (const int rc = (*stmt)->Step(); rc != SQLITE_ROW) {
    return db.Error(rc, "finding articles by creation time");
  }
  const int64_t count = (*stmt)->ColumnInt(0);
  if (count > kFewArticles) return std::nullopt;
  if (count == 0) return std::pair<int64_t, int64_t>(1, 0);  // Matches no row.
  return std::pair<int64_t, int64_t>((*stmt)->ColumnInt(1), (*stmt)->ColumnInt(2));
}

}  // namespace

absl::Status IndexCurrentVersion(SqliteConnection& db, const Article& article,
                                 uint64_t sequence, IndexColumns columns) {
  int64_t rowid = 0;
  {
    absl::StatusOr<SqliteConnection::Scoped> find =
        db.Prepare("SELECT rowid FROM current_articles WHERE id = ?1");
    if (!find.ok()) return find.status();
    (*find)->BindText(1, article.id());
    const int rc = (*find)->Step();
    if (rc == SQLITE_ROW) {
      rowid = (*find)->ColumnInt(0);
    } else if (rc != SQLITE_DONE) {
      return db.Error(rc, "finding the current version");
    }
  }
  const int64_t first_created = absl::ToUnixMicros(FromProtoTime(article.first_created()));
  if (rowid != 0) {
    for (const char* sql : {"DELETE FROM article_text WHERE rowid = ?1",
                            "DELETE FROM current_articles WHERE rowid = ?1"}) {
      absl::StatusOr<SqliteConnection::Scoped> del = db.Prepare(sql);
      if (!del.ok()) return del.status();
      (*del)->Bind(1, rowid);
      if (absl::Status s = Step(db, **del, "replacing the indexed version"); !s.ok()) return s;
    }
  }
  // A new row every time: rows are numbered in the order their current
  // versions were published, which is what newest-first search walks.
  // canonical_url .. near_duplicate: the story index (sqlite_stories.h),
  // which schema step 2's backfill predates.
  absl::StatusOr<SqliteConnection::Scoped> insert = db.Prepare(
      columns == IndexColumns::kAll
          ? "INSERT INTO current_articles "
            "(id, version, sequence, pub_status, first_created_us, language, urgency, "
            " canonical_url, fingerprint, simhash, near_duplicate) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
          : "INSERT INTO current_articles "
            "(id, version, sequence, pub_status, first_created_us, language, urgency) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!insert.ok()) return insert.status();
  (*insert)->BindText(1, article.id());
  (*insert)->Bind(2, article.version());
  (*insert)->Bind(3, static_cast<int64_t>(sequence));
  (*insert)->Bind(4, article.pub_status());
  (*insert)->Bind(5, first_created);
  (*insert)->BindText(6, article.language());
  (*insert)->Bind(7, article.urgency());
  if (columns == IndexColumns::kAll) {
    (*insert)->BindText(8, article.canonical_url());
    (*insert)->BindText(9, article.fingerprint());
    (*insert)->Bind(10, static_cast<int64_t>(article.simhash()));
    (*insert)->Bind(11, IsNearDuplicate(article) ? 1 : 0);
  }
  if (absl::Status s = Step(db, **insert, "indexing an article"); !s.ok()) return s;
  rowid = sqlite3_last_insert_rowid(db.handle());

  absl::StatusOr<SqliteConnection::Scoped> text = db.Prepare(
      "INSERT INTO article_text (rowid, headline, dateline, summary, body, terms) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!text.ok()) return text.status();
  (*text)->Bind(1, rowid);
  (*text)->BindText(2, article.headline());
  (*text)->BindText(3, article.dateline());
  (*text)->BindText(4, article.summary());
  (*text)->BindText(5, article.body_text());
  const std::string terms = TermsColumn(article);
  (*text)->BindText(6, terms);
  return Step(db, **text, "indexing article text");
}

absl::Status BackfillSearchIndex(SqliteConnection& db) {
  return ForEachStoredArticle(
      db,
      "SELECT a.sequence, a.article FROM articles a "
      "WHERE a.version = (SELECT max(version) FROM articles b WHERE b.id = a.id) "
      "ORDER BY a.sequence",
      "sequence", [&db](int64_t sequence, const Article& article) {
        return IndexCurrentVersion(db, article, sequence, IndexColumns::kSchema2);
      });
}

absl::Status RetokenFilterValues(SqliteConnection& db) {
  absl::StatusOr<std::unique_ptr<SqliteStatement>> update = db.PrepareOnce(
      "UPDATE article_text SET terms = ?2 WHERE rowid = ?1 AND terms <> ?2");
  if (!update.ok()) return update.status();
  return ForEachCurrentArticle(db, [&](int64_t rowid, const Article& article) {
    const std::string terms = TermsColumn(article);  // Bound, not copied.
    (*update)->Bind(1, rowid);
    (*update)->BindText(2, terms);
    return db.Run(**update, "writing the filter tokens again");
  });
}

absl::StatusOr<v1::SearchArticlesResponse> SearchIndex(
    SqliteConnection& db, const v1::SearchArticlesRequest& request) {
  const v1::Filter& filter = request.filter();
  if (!filter.query().empty()) {
    return absl::InvalidArgumentError(
        "filter.query: give the search words in query, not filter.query");
  }
  if (absl::Status s = ValidateFilter(filter); !s.ok()) return s;
  const bool has_query = !request.query().empty();
  v1::SearchArticlesRequest::Order order = request.order();
  if (order == v1::SearchArticlesRequest::ORDER_UNSPECIFIED) {
    order = has_query ? v1::SearchArticlesRequest::ORDER_RELEVANCE
                      : v1::SearchArticlesRequest::ORDER_NEWEST;
  }
  if (order == v1::SearchArticlesRequest::ORDER_RELEVANCE && !has_query) {
    return absl::InvalidArgumentError("order: relevance order needs a query");
  }
  if (!v1::SearchArticlesRequest::Order_IsValid(order)) {
    return absl::InvalidArgumentError("order: unknown value");
  }
  const uint32_t page_size =
      request.page_size() == 0 ? kDefaultSearchPageSize
                               : std::min(request.page_size(), kMaxSearchPageSize);
  const bool relevance = order == v1::SearchArticlesRequest::ORDER_RELEVANCE;

  PageToken token{.request_hash = RequestHash(request)};
  if (request.page_token().empty()) {
    absl::StatusOr<int64_t> newest = db.QueryInt("SELECT max(rowid) FROM current_articles");
    if (!newest.ok()) return newest.status();
    token.snapshot = static_cast<uint64_t>(*newest);
  } else {
    absl::StatusOr<PageToken> decoded = DecodeToken(request.page_token(), token.request_hash);
    if (!decoded.ok()) return decoded.status();
    token = *decoded;
  }

  // What the FTS table matches: the query's words in the text columns, and
  // each term filter in the terms column.
  std::vector<std::string> match;
  std::string text_match;  // The query alone, for snippets.
  std::vector<RankedPhrase> phrases;
  if (has_query) {
    absl::StatusOr<Fts5Query> translated = ToFts5Query(request.query());
    if (!translated.ok()) return translated.status();
    absl::StatusOr<std::string> text = TextMatch(db, *translated, phrases);
    if (!text.ok()) return text.status();
    text_match = *std::move(text);
    match.push_back(text_match);
  }
  for (ValueField field : kAllValueFields) {
    AddTermFilter(FilterValues(filter, field), TermFieldOf(field), match);
  }
  if (request.pub_statuses_size() > kMaxFilterValues) {
    return absl::InvalidArgumentError(absl::StrCat("pub_statuses: ", request.pub_statuses_size(),
                                                   " values is over the limit of ",
                                                   kMaxFilterValues));
  }
  std::vector<int64_t> statuses(request.pub_statuses().begin(), request.pub_statuses().end());
  if (statuses.empty()) statuses.push_back(v1::PUB_STATUS_USABLE);
  if (std::find(statuses.begin(), statuses.end(), v1::PUB_STATUS_USABLE) == statuses.end()) {
    // Only rarer statuses (killed, withdrawn): matched as terms too, so the
    // search reads those articles alone, not every match to skip the usable.
    std::vector<std::string> tokens;
    for (int64_t status : statuses) tokens.push_back(TermToken(kStatus, absl::StrCat(status)));
    match.push_back(AnyTerm(tokens));
  }
  const bool uses_fts = !match.empty();

  std::vector<std::string> where;
  std::vector<Param> params;
  if (uses_fts) {
    where.push_back("article_text MATCH ?");
    params.push_back(absl::StrCat("(", absl::StrJoin(match, ") AND ("), ")"));
  }
  where.push_back(absl::StrCat("c.pub_status ", InList(statuses.size())));
  for (int64_t s : statuses) params.push_back(s);
  if (relevance) {
    where.push_back("c.rowid <= ?");
    params.push_back(static_cast<int64_t>(token.snapshot));
  } else if (token.before != 0) {
    where.push_back("c.rowid < ?");
    params.push_back(static_cast<int64_t>(token.before));
  }
  if (request.has_since() || request.has_until()) {
    const int64_t since_us = request.has_since()
                                 ? absl::ToUnixMicros(FromProtoTime(request.since()))
                                 : std::numeric_limits<int64_t>::min();
    const int64_t until_us = request.has_until()
                                 ? absl::ToUnixMicros(FromProtoTime(request.until()))
                                 : std::numeric_limits<int64_t>::max();
    where.push_back("c.first_created_us >= ? AND c.first_created_us < ?");
    params.push_back(since_us);
    params.push_back(until_us);
    absl::StatusOr<std::optional<std::pair<int64_t, int64_t>>> rows =
        RowsCreatedBetween(db, since_us, until_us);
    if (!rows.ok()) return rows.status();
    if (rows->has_value()) {
      // On the table that is walked, so the walk starts and ends there.
      where.push_back(uses_fts ? "article_text.rowid BETWEEN ? AND ?" : "c.rowid BETWEEN ? AND ?");
      params.push_back((*rows)->first);
      params.push_back((*rows)->second);
    }
  }
  if (!filter.languages().empty()) {
    std::vector<std::string> any;
    for (const std::string& language : filter.languages()) {
      // ValidateFilter let tags through only: nothing LIKE would read as a
      // pattern.
      // "en" matches "en" and "en-GB"; LIKE is case-insensitive, as tags are.
      any.push_back("c.language LIKE ? OR c.language LIKE ?");
      params.push_back(language);
      params.push_back(absl::StrCat(language, "-%"));
    }
    where.push_back(absl::StrCat("(", absl::StrJoin(any, " OR "), ")"));
  }
  if (filter.min_urgency() != 0) {
    where.push_back("c.urgency BETWEEN 1 AND ?");
    params.push_back(int64_t{filter.min_urgency()});
  }
  if (filter.exclude_duplicates()) where.push_back("c.near_duplicate = 0");
  const std::string conditions = absl::StrJoin(where, " AND ");
  std::string sql;
  if (relevance) {
    // A score needs how many articles hold each phrase. Counting them costs
    // as much as the matches, so they are estimated from a sample, at the
    // first page (later pages reuse them). One phrase needs none: its
    // weight scales every score alike.
    if (request.page_token().empty()) {
      if (phrases.size() > 1) {
        if (absl::Status s = EstimateFrequencies(db, phrases, token.snapshot); !s.ok()) {
          return s;
        }
      }
      for (const RankedPhrase& phrase : phrases) {
        token.frequencies.push_back(phrase.frequency.value_or(0));
      }
    }
    // It ranks the newest kRelevanceWindow matches (read in the FTS table's
    // own rowid order), so a search costs the same however large the
    // archive grows; only the page's rows are then read in full.
    sql = absl::StrCat(
        "SELECT w.rowid, a.article, w.score FROM (SELECT rowid, score FROM ("
        "SELECT article_text.rowid AS rowid, ", kRankFunction, "(article_text, ",
        absl::StrJoin(token.frequencies, ", "), ") AS score "
        "FROM article_text JOIN current_articles c ON c.rowid = article_text.rowid WHERE ",
        conditions, " ORDER BY article_text.rowid DESC LIMIT ", kRelevanceWindow,
        ") ORDER BY score DESC, rowid DESC LIMIT ", page_size + 1, " OFFSET ", token.offset,
        ") w JOIN current_articles c ON c.rowid = w.rowid "
        "JOIN articles a ON a.sequence = c.sequence "
        "ORDER BY w.score DESC, w.rowid DESC");
  } else {
    // Newest first walks rows backwards; when the FTS table matches, in its
    // own rowid order, so only one page of matches is read.
    sql = absl::StrCat(
        "SELECT c.rowid, a.article, 0.0 FROM ",
        uses_fts ? "article_text JOIN current_articles c ON c.rowid = article_text.rowid "
                 : "current_articles c ",
        "JOIN articles a ON a.sequence = c.sequence WHERE ", conditions,
        uses_fts ? " ORDER BY article_text.rowid DESC" : " ORDER BY c.rowid DESC",
        " LIMIT ", page_size + 1);
  }
  absl::StatusOr<std::unique_ptr<SqliteStatement>> stmt = db.PrepareOnce(sql);
  if (!stmt.ok()) return stmt.status();
  // Parameters outlive the statement's steps (bound without copying).
  for (size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i + 1);
    if (params[i].text.has_value()) {
      (*stmt)->BindText(index, *params[i].text);
    } else {
      (*stmt)->Bind(index, params[i].number);
    }
  }

  const v1::ArticleView view = request.view() == v1::ARTICLE_VIEW_UNSPECIFIED
                                   ? v1::ARTICLE_VIEW_HEADLINE
                                   : request.view();
  v1::SearchArticlesResponse response;
  int rc;
  uint64_t last_row = 0;
  std::vector<uint64_t> rows;  // Of the hits, in order.
  while ((rc = (*stmt)->Step()) == SQLITE_ROW) {
    if (response.hits_size() == static_cast<int>(page_size)) {
      // One more hit than the page: there is a next page.
      PageToken next = token;
      if (relevance) {
        next.offset += page_size;
      } else {
        next.before = last_row;
      }
      response.set_next_page_token(EncodeToken(next));
      break;
    }
    Article article;
    const absl::string_view bytes = (*stmt)->ColumnBytes(1);
    if (!article.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      return absl::DataLossError(absl::StrCat(db.path(), ": an indexed article is unreadable"));
    }
    last_row = static_cast<uint64_t>((*stmt)->ColumnInt(0));
    v1::SearchHit* hit = response.add_hits();
    *hit->mutable_article() = ArticleInView(article, view);
    hit->set_score((*stmt)->ColumnDouble(2));
    rows.push_back(last_row);
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db.Error(rc, "searching");
  if (has_query) {
    absl::StatusOr<absl::flat_hash_map<uint64_t, std::string>> snippets =
        Snippets(db, text_match, rows);
    if (!snippets.ok()) return snippets.status();
    for (int i = 0; i < response.hits_size(); ++i) {
      response.mutable_hits(i)->set_snippet((*snippets)[rows[i]]);
    }
  }
  return response;
}

}  // namespace newswire
