#include "service/sse_encoder.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "service/format.h"

namespace newswire {

std::string SseMessage(const v1::FeedEvent& event) {
  if (event.kind() == v1::EVENT_KIND_HEARTBEAT) {
    return absl::StrCat(": heartbeat ", event.head_sequence(), "\n\n");
  }
  const std::string kind = absl::AsciiStrToLower(EventKindName(event.kind()));
  // Proto3 JSON escapes line breaks inside strings: the data is one line.
  const std::string data = ToJsonLine(event);
  if (event.sequence() == 0) return absl::StrCat("event: ", kind, "\ndata: ", data, "\n\n");
  return absl::StrCat("id: ", event.sequence(), "\nevent: ", kind, "\ndata: ", data, "\n\n");
}

size_t SseEncoder::Encode(const std::vector<FrameRun>& runs,
                          std::vector<std::shared_ptr<const std::string>>& out) {
  size_t total = 0;
  for (const FrameRun& run : runs) {
    size_t events = 0;
    if (std::shared_ptr<const std::string> text = CachedRun(run, &events); text != nullptr) {
      out.push_back(std::move(text));
      total += events;
      continue;
    }
    std::vector<std::shared_ptr<const std::string>> messages;
    ForEachFramedEvent(run.bytes, [&](absl::string_view frame) {
      messages.push_back(Message(frame, run.chunk));
    });
    total += messages.size();
    if (messages.size() < 2 || run_capacity_bytes_ == 0) {
      for (auto& message : messages) out.push_back(std::move(message));
      continue;
    }
    size_t bytes = 0;
    for (const auto& message : messages) bytes += message->size();
    auto joined = std::make_shared<std::string>();
    joined->reserve(bytes);
    for (const auto& message : messages) joined->append(*message);
    KeepRun(run, joined, messages.size());
    out.push_back(std::move(joined));
  }
  return total;
}

std::shared_ptr<const std::string> SseEncoder::CachedRun(const FrameRun& run, size_t* events) {
  absl::MutexLock lock(&run_mu_);
  auto it = runs_.find(Key{run.bytes.data(), run.bytes.size()});
  if (it == runs_.end()) return nullptr;
  *events = it->second.events;
  return it->second.entry.text;
}

void SseEncoder::KeepRun(const FrameRun& run, std::shared_ptr<const std::string> text,
                         size_t events) {
  if (text->size() > run_capacity_bytes_ / 4) return;  // A catch-up read: not shared.
  const Key key{run.bytes.data(), run.bytes.size()};
  absl::MutexLock lock(&run_mu_);
  const size_t bytes = text->size();
  if (!runs_.try_emplace(key, RunEntry{Entry{run.chunk, std::move(text)}, events}).second) {
    return;
  }
  run_order_.push_back(key);
  run_bytes_ += bytes;
  while (run_bytes_ > run_capacity_bytes_) {
    auto oldest = runs_.find(run_order_.front());
    run_bytes_ -= oldest->second.entry.text->size();
    runs_.erase(oldest);
    run_order_.pop_front();
  }
}

std::shared_ptr<const std::string> SseEncoder::Message(
    absl::string_view frame, const std::shared_ptr<const FrameChunk>& chunk) {
  const Key key{frame.data(), frame.size()};
  {
    absl::MutexLock lock(&mu_);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second.text;
  }
  v1::FeedEvent event;
  // Frames are written by the hub from valid events.
  (void)event.ParseFromArray(frame.data(), static_cast<int>(frame.size()));
  auto text = std::make_shared<const std::string>(SseMessage(event));
  // Heartbeats and CAUGHT_UP are made for one stream: not worth keeping.
  if (event.sequence() == 0 || capacity_ == 0) return text;
  absl::MutexLock lock(&mu_);
  if (cache_.try_emplace(key, Entry{chunk, text}).second) {
    order_.push_back(key);
    if (order_.size() > capacity_) {
      cache_.erase(order_.front());
      order_.pop_front();
    }
  }
  return text;
}

}  // namespace newswire
