// Live subscriptions indexed by their filters' keys (FeedFilter::IndexKeys),
// so finding the subscriptions an event may interest costs a lookup per
// value and word of the article, not a look at every subscription: the
// cost of an event grows with the subscriptions it matches.
#ifndef NEWSWIRE_CORE_FANOUT_SUBSCRIPTION_INDEX_H_
#define NEWSWIRE_CORE_FANOUT_SUBSCRIPTION_INDEX_H_

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "core/search/feed_filter.h"

namespace newswire {

class Subscription;

// Not thread-safe: the Hub guards it.
class SubscriptionIndex {
 public:
  // Adds `sub` under `keys` (FeedFilter::IndexKeys of a filter that does
  // not match everything, so never empty).
  void Add(Subscription* sub, const std::vector<FeedFilter::Key>& keys);
  // Removes `sub`, added under `keys`.
  void Remove(Subscription* sub, const std::vector<FeedFilter::Key>& keys);

  // Calls `visit` once for every subscription added under a key that one of
  // the article versions holds. A subscription not visited matches none of
  // the versions. `versions` is called (once) only when the index is not
  // empty.
  void ForEachCandidate(absl::FunctionRef<std::vector<const ArticleFacts*>()> versions,
                        absl::FunctionRef<void(Subscription*)> visit) const;

  // Whether any subscription is indexed.
  bool HasFiltered() const { return !by_key_.empty(); }

 private:
  // The lookup form of a key: its kind, its field for values, its value.
  static std::string Encode(const FeedFilter::Key& key);

  absl::flat_hash_map<std::string, absl::flat_hash_set<Subscription*>> by_key_;
  // Word and prefix keys in use, and the prefix lengths (with counts), so
  // that articles are tokenized and their prefixes taken only when needed.
  size_t word_keys_ = 0;
  std::map<size_t, size_t> prefix_lengths_;
};

}  // namespace newswire

#endif  // NEWSWIRE_CORE_FANOUT_SUBSCRIPTION_INDEX_H_
