// The places a dateline names: "KYIV, Ukraine" is filed from Kyiv, in
// Ukraine, so an article with that dateline matches a filter on either.
#ifndef NEWSWIRE_CORE_INGEST_DATELINE_PLACES_H_
#define NEWSWIRE_CORE_INGEST_DATELINE_PLACES_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "core/model/article.h"

namespace newswire {

// A city written in capitals, in title case: each word and each part
// between hyphens opens with a capital and goes on in small letters
// ("KYIV" → "Kyiv", "WINSTON-SALEM" → "Winston-Salem", "SÃO PAULO" → "São
// Paulo", "КИЇВ" → "Київ"); a one-letter part before an apostrophe keeps the
// next letter a capital ("N'DJAMENA" → "N'Djamena"); joining words after the
// first stay small ("RIO DE JANEIRO" → "Rio de Janeiro", "PORT OF SPAIN" →
// "Port of Spain", "STRATFORD-UPON-AVON" → "Stratford-upon-Avon"). Names
// whose capitals follow other rules ("MCALLEN") come out plain ("Mcallen").
// REQUIRES: valid UTF-8.
std::string PlaceNameFromCapitals(absl::string_view capitals);

// The place names of a dateline's place (Dateline::place, text.h), in order
// and without repeats (case-blind): the city in title case, then each
// comma-separated qualifier that names a place. A qualifier in capitals
// longer than three letters is title-cased ("KYIV, UKRAINE" → "Kyiv",
// "Ukraine"); others are kept as written ("DUBAI, UAE" → "Dubai", "UAE").
// Qualifiers that are not places are left out: abbreviations, whose every
// word ends in "." ("SPRINGFIELD, Ill.", "WASHINGTON, D.C."), anything with
// a digit (a date: "WASHINGTON, Nov. 30") and days of the week.
std::vector<std::string> DatelinePlaceNames(absl::string_view place);

// Adds to article.places an entity named after each of
// DatelinePlaceNames(place) that none of its places has already as name or
// code (case-blind), after the places it has.
void AddDatelinePlaces(absl::string_view place, Article& article);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_INGEST_DATELINE_PLACES_H_
