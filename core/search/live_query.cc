#include "core/search/live_query.h"

#include <utility>

#include "absl/strings/match.h"
#include "core/search/search_query.h"
#include "core/search/text_tokenizer.h"

namespace newswire {
namespace {

// Tokenizes `text` as a query (or a document), or returns no words when the
// thread has no tokenizer.
std::vector<std::string> Words(absl::string_view text, bool as_query) {
  std::vector<std::string> words;
  absl::StatusOr<TextTokenizer*> tokenizer = TextTokenizer::ForThisThread();
  if (!tokenizer.ok()) return words;
  (*tokenizer)->Tokenize(text, as_query,
                         [&words](absl::string_view w) { words.emplace_back(w); });
  return words;
}

}  // namespace

ArticleText::ArticleText(const Article& article) {
  absl::StatusOr<TextTokenizer*> tokenizer = TextTokenizer::ForThisThread();
  if (!tokenizer.ok()) return;
  for (const std::string* field : {&article.headline(), &article.dateline(),
                                   &article.summary(), &article.body_text()}) {
    (*tokenizer)->Tokenize(*field, /*as_query=*/false, [this](absl::string_view w) {
      positions_[w].push_back(static_cast<uint32_t>(by_position_.size()));
      by_position_.emplace_back(w);
    });
    by_position_.emplace_back();  // Phrases stop at the end of a field.
  }
}

bool ArticleText::HasPhrase(const std::vector<std::string>& words,
                            bool last_is_prefix) const {
  if (words.empty()) return false;
  auto word_at = [&](size_t position, size_t i) {
    if (position >= by_position_.size()) return false;
    const std::string& have = by_position_[position];
    if (last_is_prefix && i + 1 == words.size()) {
      return !have.empty() && absl::StartsWith(have, words[i]);
    }
    return have == words[i];
  };
  if (last_is_prefix && words.size() == 1) {
    for (const auto& [word, unused] : positions_) {
      if (absl::StartsWith(word, words[0])) return true;
    }
    return false;
  }
  const auto first = positions_.find(words[0]);
  if (first == positions_.end()) return false;
  for (const uint32_t start : first->second) {
    bool all = true;
    for (size_t i = 1; i < words.size() && all; ++i) all = word_at(start + i, i);
    if (all) return true;
  }
  return false;
}

absl::StatusOr<LiveQuery> LiveQuery::Compile(absl::string_view query) {
  absl::StatusOr<Fts5Query> parsed = ToFts5Query(query);
  if (!parsed.ok()) return parsed.status();
  LiveQuery live;
  for (size_t i = 0; i < parsed->phrases.size(); ++i) {
    if (i == 0 || parsed->or_before[i]) live.branches_.emplace_back();
    const Fts5Query::Phrase& phrase = parsed->phrases[i];
    Phrase compiled{.words = Words(phrase.text, /*as_query=*/true), .prefix = phrase.prefix};
    // As in FTS5, a phrase with no words (only symbols) is no condition
    // beside others; a branch of nothing but such phrases matches nothing.
    if (!compiled.words.empty()) live.branches_.back().push_back(std::move(compiled));
  }
  std::erase_if(live.branches_, [](const auto& branch) { return branch.empty(); });
  if (live.branches_.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("query: \"", query, "\" has no word to search for"));
  }
  return live;
}

bool LiveQuery::Matches(const ArticleText& text) const {
  for (const std::vector<Phrase>& branch : branches_) {
    bool all = true;
    for (const Phrase& phrase : branch) {
      if (!text.HasPhrase(phrase.words, phrase.prefix)) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

std::vector<LiveQuery::Anchor> LiveQuery::Anchors() const {
  std::vector<Anchor> anchors;
  for (const std::vector<Phrase>& branch : branches_) {
    // A whole word beats a prefix; a longer word is likely rarer.
    Anchor best;
    bool have = false;
    for (const Phrase& phrase : branch) {
      for (size_t i = 0; i < phrase.words.size(); ++i) {
        const bool prefix = phrase.prefix && i + 1 == phrase.words.size();
        const std::string& word = phrase.words[i];
        const bool better =
            !have || (best.prefix && !prefix) ||
            (best.prefix == prefix && word.size() > best.word.size());
        if (better) {
          best = Anchor{.word = word, .prefix = prefix};
          have = true;
        }
      }
    }
    anchors.push_back(std::move(best));
  }
  return anchors;
}

}  // namespace newswire
