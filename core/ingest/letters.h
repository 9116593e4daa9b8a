// Letters in UTF-8 text: decoding and encoding one character, and the case
// of the alphabets a dateline's city is written in (Latin, Greek, Cyrillic).
#ifndef NEWSWIRE_CORE_INGEST_LETTERS_H_
#define NEWSWIRE_CORE_INGEST_LETTERS_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace newswire {

// Decodes the character at text[i] and sets `length` to its size in bytes.
// REQUIRES: `text` is valid UTF-8 and `i` a character boundary before its end.
char32_t DecodeUtf8At(absl::string_view text, size_t i, size_t& length);

// Appends `code_point` to `out` in UTF-8. REQUIRES: a Unicode scalar value.
void AppendUtf8(char32_t code_point, std::string& out);

// The small letter of capital `c`, or `c` itself when it is not a capital of
// Basic Latin, Latin-1, Latin Extended-A, Greek or Cyrillic: enough to read
// "SÃO PAULO", "ŁÓDŹ" or "КИЇВ". "İ" becomes "i". Scripts without case,
// and capitals of other blocks, have no small letter here.
char32_t SmallLetter(char32_t c);

// True for the capitals SmallLetter knows.
inline bool IsCapitalLetter(char32_t c) { return SmallLetter(c) != c; }

// True if `text` (valid UTF-8) holds at least `min_capitals` capitals and
// otherwise only spaces and the marks names in capitals have: . ' ’ - &
// ("ST. LOUIS", "N'DJAMENA", "WINSTON-SALEM").
bool IsWrittenInCapitals(absl::string_view text, size_t min_capitals);

// `text` (valid UTF-8) with every capital SmallLetter knows made small: for
// comparing names case-blind ("KYIV", "Kyiv" and "kyiv" agree).
std::string ToSmallLetters(absl::string_view text);

// How filter values and the names they match are compared, case-blind:
// ToSmallLetters of valid UTF-8 ("GDAŃSK" and "Gdańsk" agree); text that is
// not valid UTF-8 has only its ASCII letters made small.
std::string CaseBlind(absl::string_view text);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_INGEST_LETTERS_H_
