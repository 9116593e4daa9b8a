#include "core/search_query.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "core/article.h"

namespace newswire {
namespace {

// An FTS5 string: double quotes inside are doubled.
std::string Quoted(absl::string_view text) {
  return absl::StrCat("\"", absl::StrReplaceAll(text, {{"\"", "\"\""}}), "\"");
}

}  // namespace

absl::StatusOr<Fts5Query> ToFts5Query(absl::string_view query) {
  if (query.size() > kMaxQueryBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "query: ", query.size(), " bytes is over the limit of ", kMaxQueryBytes));
  }
  // Terms and ORs, in order; an OR must stand between two terms.
  Fts5Query fts;
  std::vector<std::string> parts;
  bool last_was_term = false;
  size_t i = 0;
  while (i < query.size()) {
    if (absl::ascii_isspace(query[i])) {
      ++i;
      continue;
    }
    std::string term;
    if (query[i] == '"') {
      const size_t end = query.find('"', i + 1);
      if (end == absl::string_view::npos) {
        return absl::InvalidArgumentError(absl::StrCat(
            "query: the quote at character ", i + 1, " is never closed"));
      }
      const absl::string_view phrase = query.substr(i + 1, end - i - 1);
      i = end + 1;
      if (!HasWordCharacter(phrase)) continue;
      term = Quoted(phrase);
    } else {
      size_t end = i;
      while (end < query.size() && !absl::ascii_isspace(query[end]) && query[end] != '"') {
        ++end;
      }
      absl::string_view word = query.substr(i, end - i);
      i = end;
      if (word == "OR") {
        if (!last_was_term) {
          return absl::InvalidArgumentError("query: OR needs a term on each side");
        }
        parts.push_back("OR");
        last_was_term = false;
        continue;
      }
      const bool prefix = word.size() > 1 && word.back() == '*';
      if (prefix) word.remove_suffix(1);
      if (!HasWordCharacter(word)) continue;
      term = Quoted(word);
      if (prefix) term += "*";
    }
    parts.push_back(term);
    fts.phrases.push_back(std::move(term));
    last_was_term = true;
  }
  if (!parts.empty() && !last_was_term) {
    return absl::InvalidArgumentError("query: OR needs a term on each side");
  }
  if (parts.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "query: \"", query, "\" has no word to search for"));
  }
  fts.expression = absl::StrJoin(parts, " ");
  return fts;
}

}  // namespace newswire
