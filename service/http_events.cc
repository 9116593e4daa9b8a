#include "service/http_events.h"

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "core/base/quote_input.h"
#include "core/search/filter_query.h"
#include "core/policy/policy.h"
#include "core/ingest/feed_date.h"
#include "service/http_auth.h"
#include "service/stream_log.h"

namespace newswire {
namespace {

// Bytes of live events pulled for one write at most.
constexpr size_t kMaxPullBytes = 64 << 10;

// Where the hub's on_ready goes: to the connection once it is streaming.
class WakeSlot {
 public:
  void Set(std::function<void()> wake) {
    absl::MutexLock lock(&mu_);
    wake_ = std::move(wake);
  }
  void Wake() {
    std::function<void()> wake;
    {
      absl::MutexLock lock(&mu_);
      wake = wake_;
    }
    if (wake) wake();
  }

 private:
  absl::Mutex mu_;
  std::function<void()> wake_ ABSL_GUARDED_BY(mu_);
};

// One stream: its subscription's frames as event-stream text.
class EventStream : public HttpBodySource {
 public:
  EventStream(std::shared_ptr<WakeSlot> slot, std::shared_ptr<Subscription> subscription,
              StreamLease lease, SseEncoder& encoder, ServerMetrics& metrics,
              std::unique_ptr<StreamLog> log)
      : slot_(std::move(slot)),
        subscription_(std::move(subscription)),
        lease_(std::move(lease)),
        encoder_(encoder),
        metrics_(metrics),
        log_(std::move(log)) {
    metrics_.StreamOpened(Transport::kSse);
  }
  ~EventStream() override { metrics_.StreamClosed(Transport::kSse); }

  void Start(std::function<void()> wake) override { slot_->Set(std::move(wake)); }

  HttpBodyChunk Pull() override {
    HttpBodyChunk chunk;
    if (!started_) {
      started_ = true;
      static const auto* const kPreamble = new std::shared_ptr<const std::string>(
          std::make_shared<const std::string>(absl::StrCat("retry: ", kSseRetryMillis, "\n\n")));
      chunk.pieces.push_back(*kPreamble);
    }
    absl::StatusOr<std::vector<FrameRun>> runs = subscription_->Next(kMaxPullBytes);
    if (!runs.ok()) {
      log_->EndedBy(absl::StatusCodeToString(runs.status().code()));
      // The reason as a comment, for people reading the raw stream.
      chunk.pieces.push_back(std::make_shared<const std::string>(
          absl::StrCat(": stream ended: ", runs.status().message(), "\n\n")));
      chunk.end = true;
      return chunk;
    }
    const size_t events = encoder_.Encode(*runs, chunk.pieces);
    metrics_.CountSent(Transport::kSse, events);
    log_->Sent(events, subscription_->fallbacks());
    return chunk;
  }

 private:
  const std::shared_ptr<WakeSlot> slot_;
  const std::shared_ptr<Subscription> subscription_;
  // Counts the stream against its key's limit; ends it when the key goes.
  StreamLease lease_;
  SseEncoder& encoder_;
  ServerMetrics& metrics_;
  // Pull is called by one thread at a time; the log goes with the stream.
  const std::unique_ptr<StreamLog> log_;
  bool started_ = false;
};

absl::StatusOr<uint64_t> Sequence(absl::string_view name, absl::string_view text) {
  uint64_t sequence = 0;
  if (!absl::SimpleAtoi(text, &sequence)) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, " must be an event sequence (a number), got ", QuoteInput(text)));
  }
  return sequence;
}

// The subscription a request asks for, or INVALID_ARGUMENT naming what is
// wrong with it.
absl::StatusOr<SubscriptionOptions> StreamOptions(const HttpRequest& request) {
  absl::StatusOr<QueryParts> parts =
      TakeQueryParams(request.query, {"from", "after", "since", "view", "heartbeat"});
  if (!parts.ok()) return parts.status();
  absl::StatusOr<v1::Filter> filter = ParseFilterQuery(parts->rest);
  if (!filter.ok()) return filter.status();
  SubscriptionOptions options;
  options.filter = *std::move(filter);
  options.heartbeat = kSseHeartbeat;
  options.client = ClientOfPeer(request.peer);
  const auto& taken = parts->taken;
  if (taken.contains("from") + taken.contains("after") + taken.contains("since") > 1) {
    return absl::InvalidArgumentError("from, after and since exclude each other");
  }
  if (auto it = taken.find("from"); it != taken.end()) {
    if (it->second == "earliest") {
      options.start = v1::SubscribeRequest::START_EARLIEST;
    } else if (it->second != "latest") {
      return absl::InvalidArgumentError(
          absl::StrCat("from must be latest or earliest, got ", QuoteInput(it->second)));
    }
  }
  if (auto it = taken.find("after"); it != taken.end()) {
    absl::StatusOr<uint64_t> after = Sequence("after", it->second);
    if (!after.ok()) return after.status();
    options.start = v1::SubscribeRequest::START_AFTER_SEQUENCE;
    options.after_sequence = *after;
  }
  if (auto it = taken.find("since"); it != taken.end()) {
    absl::StatusOr<FeedDate> since = ParseFeedDate(it->second);
    if (!since.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("since must be a date such as 2024-11-23T08:00:00Z, got ",
                       QuoteInput(it->second)));
    }
    options.start = v1::SubscribeRequest::START_SINCE;
    options.since = since->time;
  }
  if (auto it = taken.find("view"); it != taken.end()) {
    absl::StatusOr<v1::ArticleView> view = ParseViewParam(it->second);
    if (!view.ok()) return view.status();
    options.view = *view;
  }
  if (auto it = taken.find("heartbeat"); it != taken.end()) {
    if (!absl::ParseDuration(it->second, &options.heartbeat) ||
        options.heartbeat < kMinHeartbeat || options.heartbeat > kMaxHeartbeat) {
      return absl::InvalidArgumentError(absl::StrCat(
          "heartbeat must be a duration from 1s to 5m, got ", QuoteInput(it->second)));
    }
  }
  // A reconnecting EventSource says where it was.
  if (const std::string last = request.Header("last-event-id"); !last.empty()) {
    absl::StatusOr<uint64_t> after = Sequence("Last-Event-ID", last);
    if (!after.ok()) return after.status();
    options.start = v1::SubscribeRequest::START_AFTER_SEQUENCE;
    options.after_sequence = *after;
  }
  return options;
}

HttpResponse ServeStream(Hub& hub, Gate& gate, SseEncoder& encoder, ServerMetrics& metrics,
                         const HttpRequest& request, const Caller& caller) {
  const std::string key = caller.principal->log_name();
  auto refused = [&](const absl::Status& why) {
    LogStreamRefused(kSseTransport, request.peer, key, why);
    return why;
  };
  absl::StatusOr<SubscriptionOptions> options = StreamOptions(request);
  if (!options.ok()) return TextResponse(400, refused(options.status()).message());
  absl::StatusOr<v1::Filter> entitled = EntitledFilter(*caller.principal, options->filter);
  if (!entitled.ok()) return HttpDenial(refused(gate.Deny(caller, entitled.status())));
  options->filter = *std::move(entitled);
  absl::StatusOr<StreamLease> lease = gate.OpenStream(caller);
  if (!lease.ok()) return HttpDenial(refused(lease.status()));
  auto slot = std::make_shared<WakeSlot>();
  absl::StatusOr<std::shared_ptr<Subscription>> subscription =
      hub.Subscribe(*options, [slot] { slot->Wake(); });
  if (!subscription.ok()) {
    const absl::Status& status = refused(subscription.status());
    switch (status.code()) {
      case absl::StatusCode::kInvalidArgument:
        return TextResponse(400, status.message());
      case absl::StatusCode::kOutOfRange:
        return TextResponse(410, status.message());
      case absl::StatusCode::kResourceExhausted: {
        // Shedding load: a browser's EventSource stops retrying for good.
        HttpResponse response = TextResponse(503, status.message());
        response.headers.emplace_back("Retry-After", "30");
        return response;
      }
      case absl::StatusCode::kUnavailable: {
        // The server is stopping: the client comes back (Last-Event-ID) to
        // this server once it restarts, or to another.
        HttpResponse response;
        response.drop = true;
        return response;
      }
      default:
        return TextResponse(500, status.message());
    }
  }
  // A revoked or expired key ends the stream (from the gate's thread).
  lease->OnKeyInvalid([weak = std::weak_ptr<Subscription>(*subscription)](
                          const absl::Status& invalid) {
    if (auto live = weak.lock()) live->End(invalid);
  });
  HttpResponse response;
  response.headers = {{"Content-Type", "text/event-stream; charset=utf-8"},
                      {"Cache-Control", "no-cache"},
                      // Proxies such as nginx would otherwise hold events back.
                      {"X-Accel-Buffering", "no"}};
  response.stream = std::make_shared<EventStream>(
      std::move(slot), *std::move(subscription), *std::move(lease), encoder, metrics,
      std::make_unique<StreamLog>(kSseTransport, request.peer, key, *options));
  return response;
}

}  // namespace

std::vector<HttpRoute> EventStreamRoutes(Hub& hub, Gate& gate, SseEncoder& encoder,
                                         ServerMetrics& metrics) {
  return {{"GET", "/v1/stream",
           Guarded(gate, "GET /v1/stream", Action::kSubscribe,
                   [&hub, &gate, &encoder, &metrics](const HttpRequest& request,
                                                     const Caller& caller) {
                     return ServeStream(hub, gate, encoder, metrics, request, caller);
                   })}};
}

}  // namespace newswire
