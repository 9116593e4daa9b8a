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

void SseEncoder::Encode(const std::vector<FrameRun>& runs,
                        std::vector<std::shared_ptr<const std::string>>& out) {
  for (const FrameRun& run : runs) {
    ForEachFramedEvent(run.bytes, [&](absl::string_view frame) {
      out.push_back(Message(frame, run.chunk));
    });
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
