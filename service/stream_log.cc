#include "service/stream_log.h"

#include <utility>

#include "core/base/event_log.h"

namespace newswire {

void LogStreamRefused(absl::string_view transport, absl::string_view peer, absl::string_view key,
                      const absl::Status& why) {
  LogEvent(LogLevel::kInfo, "stream.refused",
           {{"transport", transport},
            {"code", why},
            {"peer", peer},
            {"key", key},
            {"reason", why.message()}});
}

StreamLog::StreamLog(absl::string_view transport, std::string peer, std::string key,
                     const SubscriptionOptions& options)
    : transport_(transport),
      peer_(std::move(peer)),
      key_(std::move(key)),
      opened_at_(absl::Now()) {
  const v1::ArticleView view =
      options.view == v1::ARTICLE_VIEW_UNSPECIFIED ? v1::ARTICLE_VIEW_HEADLINE : options.view;
  LogEvent(LogLevel::kInfo, "stream.opened",
           {{"transport", transport_},
            {"peer", peer_},
            {"key", key_},
            {"start", v1::SubscribeRequest::Start_Name(options.start)},
            {"after", options.after_sequence},
            {"view", v1::ArticleView_Name(view)}});
}

StreamLog::~StreamLog() {
  EndedBy("the connection closed");
  LogEvent(LogLevel::kInfo, "stream.closed",
           {{"transport", transport_},
            {"peer", peer_},
            {"key", key_},
            {"duration_s", absl::Now() - opened_at_},
            {"events", events_},
            {"fell_behind", fallbacks_},
            {"end", ended_by_}});
}

void StreamLog::Sent(size_t events, uint64_t fallbacks) {
  events_ += events;
  if (fallbacks <= fallbacks_) return;
  fallbacks_ = fallbacks;
  LogEvent(LogLevel::kInfo, "stream.fell_behind",
           {{"transport", transport_}, {"peer", peer_}, {"key", key_}, {"times", fallbacks}});
}

void StreamLog::EndedBy(absl::string_view how) {
  if (ended_by_.empty()) ended_by_ = std::string(how);
}

}  // namespace newswire
