#include "bench/synthetic.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace newswire::bench {
namespace {

constexpr std::array kPlaces = {
    "KYIV, Ukraine",  "LISBON, Portugal", "NAIROBI, Kenya",   "LIMA, Peru",
    "OSLO, Norway",   "HANOI, Vietnam",   "DENVER, Colo.",    "CAIRO, Egypt",
    "MANILA, Philippines", "QUITO, Ecuador", "ACCRA, Ghana",  "PERTH, Australia",
    "BERGEN, Norway", "TUNIS, Tunisia",   "AUSTIN, Texas",    "KRAKÓW, Poland"};
constexpr std::array kActors = {
    "City council",   "Health ministry",  "Port authority",   "Central bank",
    "Farmers' union", "Transit agency",   "Election board",   "School district",
    "Coast guard",    "Energy regulator", "Court of appeal",  "Weather service"};
constexpr std::array kVerbs = {
    "approves",  "delays",    "rejects", "expands", "investigates", "suspends",
    "announces", "postpones", "funds",   "reviews", "cuts",         "restores"};
constexpr std::array kObjects = {
    "new tram line",      "drought relief plan", "harbour dredging",
    "vaccine campaign",   "bridge repairs",      "fishing quotas",
    "grain exports",      "wind farm permits",   "teacher contracts",
    "flood barriers",     "airport expansion",   "rail fare increase",
    "forest protection",  "housing subsidies",   "drone regulations"};
constexpr std::array kSubjects = {"politics", "economy", "health",  "weather",
                                  "transport", "energy", "education", "environment"};
constexpr std::array kSentences = {
    "Officials said the decision followed months of public hearings.",
    "Critics argued that the cost had been underestimated from the start.",
    "The measure passed by a narrow margin after a late amendment.",
    "Residents gathered outside the building as the vote was counted.",
    "Analysts expect the change to take effect early next year.",
    "A spokesperson declined to comment on the timetable.",
    "The opposition called for an independent audit of the figures.",
    "Local businesses welcomed the news but asked for clearer rules.",
    "Engineers warned that delays could raise costs further.",
    "The plan will be reviewed again after the summer recess.",
    "Union leaders said they would study the proposal before responding.",
    "Satellite images showed the extent of the damage along the coast.",
    "More than 3,000 people signed a petition against the project.",
    "The ministry said emergency funds would be released within days.",
    "Observers noted that turnout had been unusually high."};

constexpr std::array kFirstNames = {"Ana",   "Tomas", "Amina", "Kwame", "Olga", "Rui",
                                    "Mei",   "Jonas", "Leila", "Pedro", "Ines", "Ivan",
                                    "Sofia", "Omar",  "Linh",  "Marta"};
constexpr std::array kRoles = {"a local resident", "a city councillor", "a union organiser",
                               "a shop owner",     "a retired engineer", "a teacher",
                               "a farmer",         "a ministry adviser"};
constexpr std::array kQuotes = {
    "We have waited long enough for a decision",
    "Nobody asked the people who live here",
    "This will change how we work every day",
    "The numbers simply do not add up",
    "It is a step in the right direction",
    "We will keep pressing for answers"};

template <typename Array>
const char* Pick(std::mt19937_64& rng, const Array& options) {
  return options[std::uniform_int_distribution<size_t>(0, options.size() - 1)(rng)];
}

}  // namespace

std::string SyntheticSurname(int rank) {
  // Three consonant-vowel syllables: 75^3 names. Multiplying by a number
  // coprime to 75^3 makes the mapping one-to-one and neighbours unalike.
  static constexpr char kConsonants[] = "bdfghklmnprstvz";
  static constexpr char kVowels[] = "aeiou";
  constexpr int kSyllables = 15 * 5;
  int code = static_cast<int>((int64_t{rank} * 7919 + 12345) %
                              (kSyllables * kSyllables * kSyllables));
  std::string name;
  for (int i = 0; i < 3; ++i, code /= kSyllables) {
    name += kConsonants[code % kSyllables / 5];
    name += kVowels[code % 5];
  }
  name[0] = static_cast<char>(name[0] - 'a' + 'A');
  return name;
}

Article SyntheticArticles::Next() {
  const uint64_t n = ++count_;
  Article a;
  const std::string place = Pick(rng_, kPlaces);
  a.set_id(absl::StrCat("urn:bench:", seed_, ":", n));
  a.set_headline(absl::StrCat(Pick(rng_, kActors), " ", Pick(rng_, kVerbs), " ",
                              Pick(rng_, kObjects), " (", n, ")"));
  a.set_dateline(place);
  std::vector<std::string> paragraphs;
  const int count = std::uniform_int_distribution<int>(3, 8)(rng_);
  for (int p = 0; p < count; ++p) {
    paragraphs.push_back(absl::StrCat(Pick(rng_, kSentences), " ", Pick(rng_, kSentences),
                                      " ", Pick(rng_, kSentences)));
  }
  if (options_.quoted_people) {
    // Log-uniform rank: P(rank r) is about 1 / ((r + 1) * ln(population)).
    const double x = std::uniform_real_distribution<double>(
        0, std::log(double{kSyntheticPeople} + 1))(rng_);
    const int rank = std::min(static_cast<int>(std::exp(x)) - 1, kSyntheticPeople - 1);
    const std::string person =
        absl::StrCat(Pick(rng_, kFirstNames), " ", SyntheticSurname(rank));
    paragraphs.push_back(absl::StrCat("\"", Pick(rng_, kQuotes), ",\" said ", person, ", ",
                                      Pick(rng_, kRoles), "."));
    a.add_people()->set_name(person);
  }
  a.set_body_text(absl::StrJoin(paragraphs, "\n\n"));
  a.set_language("en");
  a.set_urgency(std::uniform_int_distribution<uint32_t>(1, 9)(rng_));
  // One a minute from 2024-01-01 per generator, so time ranges select.
  *a.mutable_first_created() = ToProtoTime(kSyntheticEpoch + absl::Minutes(n));
  a.add_subjects()->set_name(Pick(rng_, kSubjects));
  a.add_places()->set_name(place.substr(0, place.find(',')));
  return a;
}

}  // namespace newswire::bench
