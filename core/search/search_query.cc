#include "core/search/search_query.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "core/base/quote_input.h"
#include "core/model/article.h"

namespace newswire {
namespace {

// An FTS5 string: double quotes inside are doubled.
std::string Quoted(absl::string_view text) {
  return absl::StrCat("\"", absl::StrReplaceAll(text, {{"\"", "\"\""}}), "\"");
}

// Whether `word` holds only ASCII letters and digits.
bool IsPlain(absl::string_view word) {
  return std::all_of(word.begin(), word.end(),
                     [](char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)); });
}

}  // namespace

std::string Fts5Query::Expression(absl::FunctionRef<std::string(size_t)> render) const {
  std::string expression;
  for (size_t i = 0; i < phrases.size(); ++i) {
    if (i > 0) absl::StrAppend(&expression, or_before[i] ? " OR " : " ");
    absl::StrAppend(&expression, render(i));
  }
  return expression;
}

std::string Fts5Query::Expression() const {
  return Expression([this](size_t i) { return phrases[i].match; });
}

absl::StatusOr<Fts5Query> ToFts5Query(absl::string_view query) {
  if (query.size() > kMaxQueryBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "query: ", query.size(), " bytes is over the limit of ", kMaxQueryBytes));
  }
  // Terms and ORs, in order; an OR must stand between two terms.
  Fts5Query fts;
  bool last_was_term = false;
  bool or_pending = false;
  size_t i = 0;
  while (i < query.size()) {
    if (absl::ascii_isspace(query[i])) {
      ++i;
      continue;
    }
    Fts5Query::Phrase term;
    if (query[i] == '"') {
      const size_t end = query.find('"', i + 1);
      if (end == absl::string_view::npos) {
        return absl::InvalidArgumentError(absl::StrCat(
            "query: the quote at character ", i + 1, " is never closed"));
      }
      const absl::string_view phrase = query.substr(i + 1, end - i - 1);
      i = end + 1;
      if (!HasWordCharacter(phrase)) continue;
      term.match = Quoted(phrase);
      term.text = std::string(phrase);
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
        or_pending = true;
        last_was_term = false;
        continue;
      }
      const bool prefix = word.size() > 1 && word.back() == '*';
      if (prefix) word.remove_suffix(1);
      if (!HasWordCharacter(word)) continue;
      term.match = Quoted(word);
      term.text = std::string(word);
      term.prefix = prefix;
      if (prefix) {
        term.match += "*";
        if (IsPlain(word)) term.plain_prefix = absl::AsciiStrToLower(word);
      }
    }
    fts.phrases.push_back(std::move(term));
    fts.or_before.push_back(or_pending);
    or_pending = false;
    last_was_term = true;
  }
  if (or_pending) {
    return absl::InvalidArgumentError("query: OR needs a term on each side");
  }
  if (fts.phrases.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "query: ", QuoteInput(query), " has no word to search for"));
  }
  return fts;
}

}  // namespace newswire
