#include "core/ingest/dateline_places.h"

#include <algorithm>
#include <iterator>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/ingest/letters.h"

namespace newswire {
namespace {

// Words that join the names of a place and stay small after its first word
// ("Rio de Janeiro", "Frankfurt am Main", "Port-au-Prince", "Dar es Salaam").
constexpr absl::string_view kJoiningWords[] = {
    "am",  "an",    "and", "au", "aux", "da",  "das", "de",  "del", "della", "der",
    "des", "di",    "do",  "dos", "du", "en",  "es",  "la",  "las", "le",    "les",
    "los", "of",    "on",  "sur", "the", "upon", "y"};

constexpr absl::string_view kDaysOfTheWeek[] = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};

// A qualifier in capitals is title-cased from this many capitals on; up to
// it, it is taken for an abbreviation ("UAE", "UK").
constexpr size_t kMinCapitalsOfAName = 4;

// One part of a name, between spaces and hyphens: "KYIV" → "Kyiv",
// "N'DJAMENA" → "N'Djamena", "ST." → "St.".
std::string TitleCasePart(absl::string_view part) {
  std::string out;
  out.reserve(part.size());
  bool capital = true;
  size_t letters = 0;
  size_t length = 0;
  for (size_t i = 0; i < part.size(); i += length) {
    const char32_t c = DecodeUtf8At(part, i, length);
    const bool apostrophe = c == '\'' || c == U'\u2019';
    if (apostrophe || c == '.') {
      capital = apostrophe && letters == 1;
      absl::StrAppend(&out, part.substr(i, length));
      continue;
    }
    AppendUtf8(capital ? c : SmallLetter(c), out);
    capital = false;
    ++letters;
  }
  return out;
}

bool IsJoiningWord(absl::string_view part) {
  return std::ranges::find(kJoiningWords, ToSmallLetters(part)) != std::end(kJoiningWords);
}

// False for qualifiers that name no place: abbreviations ("Ill.", "D.C.",
// "N. Y.") and dates ("Nov. 30", "Friday").
bool IsNameOfAPlace(absl::string_view qualifier) {
  if (qualifier.empty() || std::ranges::any_of(qualifier, absl::ascii_isdigit)) return false;
  const std::vector<absl::string_view> words =
      absl::StrSplit(qualifier, ' ', absl::SkipWhitespace());
  if (std::ranges::all_of(words, [](absl::string_view w) { return absl::EndsWith(w, "."); })) {
    return false;
  }
  return std::ranges::find(kDaysOfTheWeek, absl::AsciiStrToLower(qualifier)) ==
         std::end(kDaysOfTheWeek);
}

}  // namespace

std::string PlaceNameFromCapitals(absl::string_view capitals) {
  bool first = true;
  std::vector<std::string> words;
  for (absl::string_view word : absl::StrSplit(capitals, ' ')) {
    std::vector<std::string> parts;
    for (absl::string_view part : absl::StrSplit(word, '-')) {
      parts.push_back(!first && IsJoiningWord(part) ? ToSmallLetters(part)
                                                    : TitleCasePart(part));
      first = first && part.empty();
    }
    words.push_back(absl::StrJoin(parts, "-"));
  }
  return absl::StrJoin(words, " ");
}

std::vector<std::string> DatelinePlaceNames(absl::string_view place) {
  std::vector<std::string> names;
  absl::flat_hash_set<std::string> seen;
  bool city = true;
  for (absl::string_view part : absl::StrSplit(place, ',')) {
    part = absl::StripAsciiWhitespace(part);
    std::string name;
    if (city) {
      name = PlaceNameFromCapitals(part);
    } else if (IsNameOfAPlace(part)) {
      name = IsWrittenInCapitals(part, kMinCapitalsOfAName) ? PlaceNameFromCapitals(part)
                                                            : std::string(part);
    }
    city = false;
    if (!name.empty() && seen.insert(ToSmallLetters(name)).second) {
      names.push_back(std::move(name));
    }
  }
  return names;
}

void AddDatelinePlaces(absl::string_view place, Article& article) {
  absl::flat_hash_set<std::string> known;
  for (const v1::Entity& entity : article.places()) {
    known.insert(ToSmallLetters(entity.name()));
    known.insert(ToSmallLetters(entity.code()));
  }
  for (std::string& name : DatelinePlaceNames(place)) {
    if (known.contains(ToSmallLetters(name))) continue;
    article.add_places()->set_name(std::move(name));
  }
}

}  // namespace newswire
