#include "core/fanout/subscription_index.h"

#include "absl/strings/str_cat.h"

namespace newswire {
namespace {

using Key = FeedFilter::Key;

// Appends the encoded key to `out` after clearing it: a reusable buffer.
void EncodeInto(Key::Kind kind, ValueField field, absl::string_view value, std::string& out) {
  out.clear();
  out.push_back(kind);
  if (kind == Key::kValue) out.push_back(static_cast<char>('0' + static_cast<int>(field)));
  out.append(value.data(), value.size());
}


}  // namespace

std::string SubscriptionIndex::Encode(const Key& key) {
  std::string out;
  EncodeInto(key.kind, key.field, key.value, out);
  return out;
}

void SubscriptionIndex::Add(Subscription* sub, const std::vector<Key>& keys) {
  for (const Key& key : keys) {
    if (!by_key_[Encode(key)].insert(sub).second) continue;
    if (key.kind == Key::kWord || key.kind == Key::kPrefix) ++word_keys_;
    if (key.kind == Key::kPrefix) ++prefix_lengths_[key.value.size()];
  }
}

void SubscriptionIndex::Remove(Subscription* sub, const std::vector<Key>& keys) {
  for (const Key& key : keys) {
    auto it = by_key_.find(Encode(key));
    if (it == by_key_.end() || it->second.erase(sub) == 0) continue;
    if (it->second.empty()) by_key_.erase(it);
    if (key.kind == Key::kWord || key.kind == Key::kPrefix) --word_keys_;
    if (key.kind == Key::kPrefix) {
      auto length = prefix_lengths_.find(key.value.size());
      if (--length->second == 0) prefix_lengths_.erase(length);
    }
  }
}

void SubscriptionIndex::ForEachCandidate(
    absl::FunctionRef<std::vector<const ArticleFacts*>()> versions,
    absl::FunctionRef<void(Subscription*)> visit) const {
  if (by_key_.empty()) return;
  absl::flat_hash_set<Subscription*> visited;
  std::string key;
  auto look_up = [&](Key::Kind kind, ValueField field, absl::string_view value) {
    EncodeInto(kind, field, value, key);
    auto it = by_key_.find(key);
    if (it == by_key_.end()) return;
    for (Subscription* sub : it->second) {
      if (visited.insert(sub).second) visit(sub);
    }
  };
  for (const ArticleFacts* facts : versions()) {
    for (ValueField field : kAllValueFields) {
      for (const std::string& value : facts->Values(field)) look_up(Key::kValue, field, value);
    }
    look_up(Key::kLanguage, ValueField::kSubjects, PrimarySubtag(facts->language()));
    // min_urgency m admits urgencies 1..m: urgency u interests every m >= u.
    for (uint32_t m = facts->urgency(); m != 0 && m <= kMaxUrgency; ++m) {
      look_up(Key::kUrgency, ValueField::kSubjects, absl::StrCat(m));
    }
    if (!facts->near_duplicate()) look_up(Key::kOriginal, ValueField::kSubjects, "");
    if (word_keys_ == 0) continue;
    for (const auto& [word, unused] : facts->Text().words()) {
      look_up(Key::kWord, ValueField::kSubjects, word);
      for (const auto& [length, count] : prefix_lengths_) {
        if (length > word.size()) break;
        look_up(Key::kPrefix, ValueField::kSubjects, absl::string_view(word).substr(0, length));
      }
    }
  }
}

}  // namespace newswire
