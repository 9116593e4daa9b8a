// Filters on subscriptions: each field, their validation, and the index
// against a brute-force filter over random articles and subscriptions.
#include <map>
#include <random>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/search/feed_filter.h"
#include "core/fanout/hub.h"
#include "core/publish/wire.h"
#include "gtest/gtest.h"
#include "tests/core/memory_archive.h"
#include "tests/core/subscription_reader.h"

namespace newswire {
namespace {

bool Matches(const v1::Filter& filter, const Article& article) {
  absl::StatusOr<FeedFilter> compiled = FeedFilter::Compile(filter);
  EXPECT_TRUE(compiled.ok()) << compiled.status();
  return compiled.ok() && compiled->Matches(ArticleFacts(article));
}

Article Tagged() {
  Article a;
  a.set_headline("Drones strike Kyiv");
  a.set_body_text("Air defence was active.");
  a.set_language("en-GB");
  a.set_urgency(3);
  auto* place = a.add_places();
  place->set_name("Kyiv");
  place->set_code("geo:703448");
  a.add_places()->set_name("New York");
  a.add_subjects()->set_name("Politics");
  a.add_people()->set_name("Ada Lovelace");
  a.add_organisations()->set_name("UN");
  a.mutable_source()->set_name("AP");
  a.add_keywords("war");
  return a;
}

// A dateline's spelling finds the place it names: capitals beyond ASCII
// are as case-blind as A-Z.
TEST(FeedFilter, CapitalsBeyondAsciiAreCaseBlindToo) {
  Article a;
  a.set_headline("Harbour warehouse sold");
  a.add_places()->set_name("Gda\u0144sk");
  a.add_places()->set_name("\u0141\u00d3D\u0179");
  a.add_keywords("\u0417\u0415\u0420\u041d\u041e");  // ЗЕРНО
  v1::Filter f;
  f.add_places("GDA\u0143SK");
  EXPECT_TRUE(Matches(f, a));
  f.set_places(0, "\u0142\u00f3d\u017a");  // łódź
  EXPECT_TRUE(Matches(f, a));
  f.set_places(0, "Lodz");  // Case-blind, not accent-blind: another name.
  EXPECT_FALSE(Matches(f, a));
  v1::Filter k;
  k.add_keywords("\u0437\u0435\u0440\u043d\u043e");  // зерно
  EXPECT_TRUE(Matches(k, a));
}

TEST(FeedFilter, EachFieldMatchesNameOrCodeCaseBlindAndWhole) {
  const Article a = Tagged();
  v1::Filter f;
  EXPECT_TRUE(Matches(f, a));
  f.add_places("kyiv");
  EXPECT_TRUE(Matches(f, a));
  f.set_places(0, "GEO:703448");
  EXPECT_TRUE(Matches(f, a));
  f.set_places(0, "York");
  EXPECT_FALSE(Matches(f, a));
  f.add_places("new york");  // Any of the values.
  EXPECT_TRUE(Matches(f, a));
  // Each further field must match too.
  for (auto [field, value] :
       std::vector<std::pair<google::protobuf::RepeatedPtrField<std::string>*, const char*>>{
           {f.mutable_subjects(), "politics"}, {f.mutable_people(), "ada lovelace"},
           {f.mutable_organisations(), "un"}, {f.mutable_sources(), "ap"},
           {f.mutable_keywords(), "WAR"}}) {
    *field->Add() = "something else";
    EXPECT_FALSE(Matches(f, a)) << value;
    *field->Mutable(0) = value;
    EXPECT_TRUE(Matches(f, a)) << value;
  }
}

TEST(FeedFilter, LanguageTagsMatchTheirSubtags) {
  const Article a = Tagged();  // en-GB
  for (const char* yes : {"en", "EN-gb"}) {
    v1::Filter f;
    f.add_languages(yes);
    EXPECT_TRUE(Matches(f, a)) << yes;
  }
  for (const char* no : {"en-US", "en-GB-x", "fr"}) {
    v1::Filter f;
    f.add_languages(no);
    EXPECT_FALSE(Matches(f, a)) << no;
  }
  // A primary subtag has two letters or more, as articles' tags must.
  v1::Filter bad;
  bad.add_languages("e");
  EXPECT_EQ(FeedFilter::Compile(bad).status().message(),
            "filter.languages: \"e\" is not a language tag such as \"en\" or \"pt-BR\"");
}

TEST(FeedFilter, MinUrgencyAdmitsMoreUrgentAndNeverUnset) {
  Article a = Tagged();
  v1::Filter f;
  f.set_min_urgency(3);
  for (uint32_t u = 0; u <= 9; ++u) {
    a.set_urgency(u);
    EXPECT_EQ(Matches(f, a), u >= 1 && u <= 3) << u;
  }
}

TEST(FeedFilter, ExcludeDuplicatesLeavesOutNearDuplicates) {
  Article original = Tagged();
  Article copy = Tagged();
  v1::Link* link = copy.add_links();
  link->set_rel("duplicate-of");
  link->set_href("urn:test:original");
  v1::Filter f;
  f.set_exclude_duplicates(true);
  EXPECT_TRUE(Matches(f, original));
  EXPECT_FALSE(Matches(f, copy));
  EXPECT_FALSE(FeedFilter::Compile(f)->MatchesEverything());
  f.add_places("Kyiv");
  EXPECT_TRUE(Matches(f, original));
  EXPECT_FALSE(Matches(f, copy));
}

TEST(FeedFilter, QueryUsesSearchSyntax) {
  const Article a = Tagged();
  v1::Filter f;
  f.set_query("drone* \"air defence\"");
  EXPECT_TRUE(Matches(f, a));
  f.set_query("drones missile");
  EXPECT_FALSE(Matches(f, a));
  f.set_query("missile OR kyiv");
  EXPECT_TRUE(Matches(f, a));
}

TEST(FeedFilter, BadFiltersNameTheField) {
  auto error_of = [](const v1::Filter& f) {
    return std::string(FeedFilter::Compile(f).status().message());
  };
  v1::Filter f;
  for (int i = 0; i <= kMaxFilterValues; ++i) f.add_people("x");
  EXPECT_TRUE(absl::StartsWith(error_of(f), "filter.people: 101 values")) << error_of(f);
  f.Clear();
  f.add_sources(std::string(kMaxFilterValueBytes + 1, 'a'));
  EXPECT_TRUE(absl::StartsWith(error_of(f), "filter.sources: a value of 201 bytes"));
  f.Clear();
  f.add_languages("en_GB");
  EXPECT_TRUE(absl::StartsWith(error_of(f), "filter.languages: \"en_GB\" is not a language tag"));
  f.Clear();
  f.set_min_urgency(12);
  EXPECT_TRUE(absl::StartsWith(error_of(f), "filter.min_urgency: 12"));
  f.Clear();
  f.set_query("\"drones");
  EXPECT_TRUE(absl::StartsWith(error_of(f), "filter.query: the quote")) << error_of(f);
}

// --- The index against brute force ------------------------------------

const std::vector<std::string> kPlaces = {"Kyiv", "Lviv", "Paris", "New York", "York"};
const std::vector<std::string> kSubjects = {"politics", "sports", "economy"};
const std::vector<std::string> kPeople = {"Ada", "Grace"};
const std::vector<std::string> kOrgs = {"UN", "NATO"};
const std::vector<std::string> kSources = {"AP", "Reuters"};
const std::vector<std::string> kLanguages = {"en", "en-GB", "fr", "uk"};
const std::vector<std::string> kWords = {"drone", "drones", "missile", "port", "portal",
                                         "peace", "talks", "strike", "market", "rally"};

class Random {
 public:
  explicit Random(uint32_t seed) : rng_(seed) {}
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  const std::string& Pick(const std::vector<std::string>& from) {
    return from[static_cast<size_t>(Int(0, static_cast<int>(from.size()) - 1))];
  }
  std::vector<std::string> Some(const std::vector<std::string>& from, int max) {
    std::vector<std::string> out;
    for (int n = Int(0, max); n > 0; --n) out.push_back(Pick(from));
    return out;
  }
  std::string Words(int n) {
    std::vector<std::string> w;
    for (int i = 0; i < n; ++i) w.push_back(Pick(kWords));
    return absl::StrJoin(w, " ");
  }

 private:
  std::mt19937 rng_;
};

Article RandomArticle(Random& r, const std::string& id, uint32_t version) {
  Article a;
  a.set_id(id);
  a.set_version(version);
  a.set_headline(r.Words(3));
  a.set_body_text(r.Words(6));
  a.set_language(r.Pick(kLanguages));
  a.set_urgency(static_cast<uint32_t>(r.Int(0, 9)));
  for (const auto& v : r.Some(kPlaces, 2)) a.add_places()->set_name(v);
  for (const auto& v : r.Some(kSubjects, 2)) a.add_subjects()->set_name(v);
  for (const auto& v : r.Some(kPeople, 1)) a.add_people()->set_name(v);
  for (const auto& v : r.Some(kOrgs, 1)) a.add_organisations()->set_name(v);
  if (r.Chance(0.8)) a.mutable_source()->set_name(r.Pick(kSources));
  for (const auto& v : r.Some(kWords, 1)) a.add_keywords(v);
  if (r.Chance(0.2)) {
    v1::Link* link = a.add_links();
    link->set_rel(kDuplicateOfRel);
    link->set_href("urn:test:original");
  }
  return a;
}

v1::Filter RandomFilter(Random& r) {
  v1::Filter f;
  auto some = [&](const std::vector<std::string>& from, auto* field) {
    if (!r.Chance(0.3)) return;
    for (int n = r.Int(1, 2); n > 0; --n) {
      std::string v = r.Pick(from);
      if (r.Chance(0.3)) absl::AsciiStrToUpper(&v);
      field->Add(std::move(v));
    }
  };
  some(kPlaces, f.mutable_places());
  some(kSubjects, f.mutable_subjects());
  some(kPeople, f.mutable_people());
  some(kOrgs, f.mutable_organisations());
  some(kSources, f.mutable_sources());
  some(kWords, f.mutable_keywords());
  some(kLanguages, f.mutable_languages());
  if (r.Chance(0.25)) f.set_min_urgency(static_cast<uint32_t>(r.Int(1, 9)));
  if (r.Chance(0.2)) f.set_exclude_duplicates(true);
  if (r.Chance(0.3)) {
    switch (r.Int(0, 3)) {
      case 0: f.set_query(r.Pick(kWords)); break;
      case 1: f.set_query(absl::StrCat(r.Pick(kWords), " OR ", r.Pick(kWords))); break;
      case 2: f.set_query(absl::StrCat(r.Pick(kWords).substr(0, 3), "*")); break;
      case 3: f.set_query(absl::StrCat("\"", r.Pick(kWords), " ", r.Pick(kWords), "\"")); break;
    }
  }
  return f;
}

// The filter written out plainly, over the random articles' simple text
// (lower-case ASCII words separated by spaces).
bool BruteForce(const v1::Filter& f, const Article& a) {
  auto lower = [](std::string s) { return absl::AsciiStrToLower(s); };
  auto any_entity = [&](const auto& wanted, const auto& entities) {
    if (wanted.empty()) return true;
    for (const std::string& w : wanted) {
      for (const v1::Entity& e : entities) {
        if (lower(w) == lower(e.name())) return true;
      }
    }
    return false;
  };
  auto any_string = [&](const auto& wanted, const std::vector<std::string>& have) {
    if (wanted.empty()) return true;
    for (const std::string& w : wanted) {
      for (const std::string& h : have) {
        if (lower(w) == lower(h)) return true;
      }
    }
    return false;
  };
  if (!any_entity(f.places(), a.places()) || !any_entity(f.subjects(), a.subjects()) ||
      !any_entity(f.people(), a.people()) || !any_entity(f.organisations(), a.organisations())) {
    return false;
  }
  std::vector<std::string> source;
  if (!a.source().name().empty()) source.push_back(a.source().name());
  if (!any_string(f.sources(), source)) return false;
  if (!any_string(f.keywords(), {a.keywords().begin(), a.keywords().end()})) return false;
  if (!f.languages().empty()) {
    bool any = false;
    for (const std::string& l : f.languages()) {
      any |= lower(a.language()) == lower(l) || absl::StartsWith(lower(a.language()), lower(l) + "-");
    }
    if (!any) return false;
  }
  if (f.min_urgency() != 0 && (a.urgency() == 0 || a.urgency() > f.min_urgency())) return false;
  if (f.exclude_duplicates()) {
    for (const v1::Link& link : a.links()) {
      if (link.rel() == "duplicate-of") return false;
    }
  }
  if (!f.query().empty()) {
    const std::vector<std::vector<std::string>> fields = {absl::StrSplit(a.headline(), ' '),
                                                          absl::StrSplit(a.body_text(), ' ')};
    auto has_phrase = [&](const std::vector<std::string>& words, bool prefix) {
      for (const auto& field : fields) {
        for (size_t i = 0; i + words.size() <= field.size(); ++i) {
          bool all = true;
          for (size_t j = 0; j < words.size(); ++j) {
            const bool last = j + 1 == words.size();
            all &= prefix && last ? absl::StartsWith(field[i + j], words[j])
                                  : field[i + j] == words[j];
          }
          if (all) return true;
        }
      }
      return false;
    };
    std::string q = f.query();
    bool found = false;
    for (absl::string_view branch : absl::StrSplit(q, " OR ")) {
      std::string b(branch);
      const bool quoted = absl::StartsWith(b, "\"");
      const bool prefix = absl::EndsWith(b, "*");
      if (quoted) b = b.substr(1, b.size() - 2);
      if (prefix) b.pop_back();
      found |= has_phrase(absl::StrSplit(b, ' '), prefix);
    }
    if (!found) return false;
  }
  return true;
}

TEST(SubscriptionFilterProperty, EverySubscriberGetsExactlyWhatItsFilterWants) {
  for (uint32_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    Random r(seed);
    auto archive = NewMemoryArchive();
    SqliteStore& store = *archive;
    Hub hub(&store);
    Wire wire(&store, &hub);

    std::vector<v1::Filter> filters;
    std::vector<std::unique_ptr<Reader>> live;
    for (int i = 0; i < 60; ++i) {
      filters.push_back(RandomFilter(r));
      live.push_back(std::make_unique<Reader>(
          hub, SubscriptionOptions{.start = v1::SubscribeRequest::START_LATEST,
                                   .filter = filters.back()}));
      live.back()->Drain();  // Caught up (nothing to catch up): live now.
    }
    // Articles, updates that change what they are about, and kills.
    std::map<std::string, std::vector<Article>> versions;
    std::vector<std::pair<uint64_t, Article>> events;
    for (int n = 0; n < 400; ++n) {
      std::string id;
      uint32_t version = 1;
      if (!versions.empty() && r.Chance(0.3)) {
        auto it = std::next(versions.begin(), r.Int(0, static_cast<int>(versions.size()) - 1));
        if (it->second.back().pub_status() == v1::PUB_STATUS_CANCELED) continue;
        id = it->first;
        version = it->second.back().version() + 1;
      } else {
        id = absl::StrCat("urn:prop:", n);
      }
      Article a = RandomArticle(r, id, version);
      if (version > 1 && r.Chance(0.3)) a.set_pub_status(v1::PUB_STATUS_CANCELED);
      auto published = wire.Publish(a);
      ASSERT_TRUE(published.ok()) << published.status();
      auto stored = store.GetArticle(id, version);
      ASSERT_TRUE(stored.ok());
      versions[id].push_back(stored->article);
      events.emplace_back(published->sequence, stored->article);
    }
    // What each filter wants: events whose article, or an earlier version
    // of it, the filter matches.
    auto expected_for = [&](const v1::Filter& f, bool current_only) {
      std::vector<uint64_t> want;
      for (const auto& [seq, a] : events) {
        const auto& all = versions[a.id()];
        if (current_only && all.back().version() != a.version()) continue;
        bool wanted = false;
        for (const Article& v : all) wanted |= v.version() <= a.version() && BruteForce(f, v);
        if (wanted) want.push_back(seq);
      }
      return want;
    };
    size_t delivered = 0;
    for (size_t i = 0; i < filters.size(); ++i) {
      SCOPED_TRACE(absl::StrCat("filter ", filters[i].ShortDebugString()));
      const std::vector<uint64_t> want = expected_for(filters[i], false);
      EXPECT_EQ(Sequences(live[i]->Drain()), want);
      delivered += want.size();
      // The same filter catching up from the archive: every version, or
      // only the current one of each article.
      for (bool every_version : {true, false}) {
        Reader late(hub, {.start = v1::SubscribeRequest::START_EARLIEST,
                          .filter = filters[i],
                          .every_version = every_version});
        const auto got = late.ReadUntil([](const std::vector<FeedEvent>& e) {
          return !e.empty() && e.back().kind() == v1::EVENT_KIND_CAUGHT_UP;
        });
        EXPECT_EQ(Sequences(got), expected_for(filters[i], !every_version))
            << "every_version " << every_version;
      }
    }
    EXPECT_GT(delivered, 1000u);  // The filters do let events through.
  }
}

}  // namespace
}  // namespace newswire
