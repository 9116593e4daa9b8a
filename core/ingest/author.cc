#include "core/ingest/author.h"

#include <algorithm>
#include <array>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace newswire {
namespace {

// Words in the local part of an address that name a role or a mailbox,
// not a person.
constexpr std::array<absl::string_view, 30> kRoleWords = {
    "admin",   "bot",     "contact",  "desk",     "do",        "editor",
    "editors", "feed",    "feeds",    "help",     "info",      "mail",
    "media",   "news",    "newsdesk", "newsroom", "no",        "noreply",
    "not",     "office",  "podcast",  "press",    "reply",     "rss",
    "staff",   "support", "team",     "web",      "webmaster", "wire"};

bool IsAddress(absl::string_view text) {
  const size_t at = text.find('@');
  return at != absl::string_view::npos && at > 0 && at + 1 < text.size() &&
         !absl::StrContains(text, ' ') &&
         text.find('@', at + 1) == absl::string_view::npos;
}

// "jane.doe" -> "Jane Doe"; "" when the local part is no real name.
std::string NameFromLocalPart(absl::string_view local) {
  const std::vector<absl::string_view> words =
      absl::StrSplit(local, absl::ByAnyChar("._-"));
  if (words.size() < 2 || words.size() > 4) return "";
  std::vector<std::string> capitalized;
  for (absl::string_view word : words) {
    if (word.size() < 2 || !std::all_of(word.begin(), word.end(), [](char c) {
          return absl::ascii_isalpha(static_cast<unsigned char>(c));
        })) {
      return "";
    }
    std::string lower = absl::AsciiStrToLower(word);
    if (std::find(kRoleWords.begin(), kRoleWords.end(), lower) != kRoleWords.end())
      return "";
    lower[0] = absl::ascii_toupper(static_cast<unsigned char>(lower[0]));
    capitalized.push_back(std::move(lower));
  }
  return absl::StrJoin(capitalized, " ");
}

}  // namespace

Author ParseAuthor(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  Author author;
  // "jo@example.org (Jo Bloggs)" and "Jo Bloggs (jo@example.org)".
  if (const size_t open = text.find('(');
      open != absl::string_view::npos && absl::EndsWith(text, ")")) {
    const absl::string_view before = absl::StripAsciiWhitespace(text.substr(0, open));
    const absl::string_view inside =
        absl::StripAsciiWhitespace(text.substr(open + 1, text.size() - open - 2));
    if (IsAddress(before)) {
      author.name = std::string(inside);
      author.address = std::string(before);
      return author;
    }
    if (IsAddress(inside) && !before.empty()) {
      author.name = std::string(before);
      author.address = std::string(inside);
      return author;
    }
  }
  // "Jo Bloggs <jo@example.org>".
  if (const size_t open = text.find('<');
      open != absl::string_view::npos && open > 0 && absl::EndsWith(text, ">")) {
    const absl::string_view inside = text.substr(open + 1, text.size() - open - 2);
    if (IsAddress(inside)) {
      author.name = std::string(absl::StripAsciiWhitespace(text.substr(0, open)));
      author.address = std::string(inside);
      return author;
    }
  }
  absl::string_view address = text;
  absl::ConsumePrefix(&address, "mailto:");
  if (IsAddress(address)) {
    author.address = std::string(address);
    author.address_only = true;
    author.name = NameFromLocalPart(address.substr(0, address.find('@')));
    return author;
  }
  author.name = std::string(text);
  return author;
}

}  // namespace newswire
