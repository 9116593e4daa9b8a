// Which feed events a subscriber wants: a v1::Filter checked once, then
// matched against each article version as events pass (FeedFilter), plus
// the limits search and subscriptions share (ValidateFilter).
//
// Matching follows search: a field with several values matches any of
// them, all set fields must match; entity fields match the name or the
// code, ASCII case-blind and whole (so "York" never matches "New York");
// a language "en" matches "en" and "en-GB"; min_urgency m admits urgency
// 1..m and never an unset (0) urgency; `query` uses search's syntax;
// exclude_duplicates leaves out near-duplicates (IsNearDuplicate).
#ifndef NEWSWIRE_CORE_SEARCH_FEED_FILTER_H_
#define NEWSWIRE_CORE_SEARCH_FEED_FILTER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/model/article.h"
#include "core/search/live_query.h"
#include "newswire/v1/feed.pb.h"

namespace newswire {

// Bounds on filters, so one request cannot build an enormous statement or
// subscription.
inline constexpr int kMaxFilterValues = 100;
inline constexpr size_t kMaxFilterValueBytes = 200;

// The fields of a filter matched against a set of values of the article.
enum class ValueField { kSubjects, kPlaces, kPeople, kOrganisations, kSources, kKeywords };
inline constexpr size_t kValueFields = 6;
inline constexpr ValueField kAllValueFields[kValueFields] = {
    ValueField::kSubjects, ValueField::kPlaces,  ValueField::kPeople,
    ValueField::kOrganisations, ValueField::kSources, ValueField::kKeywords};

// The filter's name for `field` ("subjects", …).
const char* ValueFieldName(ValueField field);
// The values of `field` that `filter` asks for.
const google::protobuf::RepeatedPtrField<std::string>& FilterValues(const v1::Filter& filter,
                                                                    ValueField field);

// The primary subtag of a language tag ("en" of "en-gb").
absl::string_view PrimarySubtag(absl::string_view tag);

// Whether language tag `tag` is within `range`: the same tag, or a
// narrower one ("en-gb" is within "en"). Both lower-cased.
bool LanguageWithin(absl::string_view tag, absl::string_view range);

// Checks `filter` against the limits: over kMaxFilterValues values in a
// field, a value over kMaxFilterValueBytes, a language that is not a tag,
// min_urgency above 9. INVALID_ARGUMENT names the field ("filter.places:
// …"). Does not parse `query` (see LiveQuery::Compile, ToFts5Query).
absl::Status ValidateFilter(const v1::Filter& filter);

// What a filter reads of one article version. Keeps a reference to it.
class ArticleFacts {
 public:
  explicit ArticleFacts(const Article& article);

  // The lower-cased values of `field`.
  const absl::flat_hash_set<std::string>& Values(ValueField field) const {
    return values_[static_cast<size_t>(field)];
  }
  // The language tag, lower-cased.
  const std::string& language() const { return language_; }
  uint32_t urgency() const { return article_.urgency(); }
  // True for a near-duplicate (IsNearDuplicate).
  bool near_duplicate() const { return near_duplicate_; }
  // The words of the text, tokenized on first use.
  const ArticleText& Text() const;

 private:
  const Article& article_;
  std::array<absl::flat_hash_set<std::string>, kValueFields> values_;
  std::string language_;
  bool near_duplicate_ = false;
  mutable std::unique_ptr<ArticleText> text_;
};

// A subscription's filter, compiled.
class FeedFilter {
 public:
  // Where a subscription is indexed: a kind of key and the value. Every
  // article the filter matches has one of its keys (see SubscriptionIndex).
  struct Key {
    enum Kind : char {
      kValue = 'v',     // `field`, lower-cased value.
      kLanguage = 'l',  // The primary language subtag.
      kUrgency = 'u',   // min_urgency, as a digit.
      kWord = 'w',      // A word of the text.
      kPrefix = 'x',    // A prefix of a word of the text.
      kOriginal = 'o',  // Not a near-duplicate (exclude_duplicates alone).
    };
    Kind kind;
    ValueField field = ValueField::kSubjects;  // For kValue.
    std::string value;
  };

  // Validates and compiles `filter`; INVALID_ARGUMENT names the field.
  static absl::StatusOr<FeedFilter> Compile(const v1::Filter& filter);

  // A filter with no conditions matches every article.
  bool MatchesEverything() const;
  bool Matches(const ArticleFacts& facts) const;

  // Keys to index the subscription under: every article Matches accepts
  // has at least one. Empty when MatchesEverything.
  std::vector<Key> IndexKeys() const;

 private:
  std::array<absl::flat_hash_set<std::string>, kValueFields> values_;
  std::vector<std::string> languages_;
  uint32_t min_urgency_ = 0;
  bool exclude_duplicates_ = false;
  std::optional<LiveQuery> query_;
};

}  // namespace newswire

#endif  // NEWSWIRE_CORE_SEARCH_FEED_FILTER_H_
