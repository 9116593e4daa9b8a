// A client of a newswire server, shared by the CLI and the Python module.
#ifndef NEWSWIRE_SERVICE_CLIENT_H_
#define NEWSWIRE_SERVICE_CLIENT_H_

#include <cstdint>
#include <memory>
#include <vector>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "core/publish/wire.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/generic/generic_stub.h"
#include "newswire/v1/access.grpc.pb.h"
#include "newswire/v1/feed.grpc.pb.h"
#include "service/tls.h"

namespace newswire {

// The default server address of the CLI and the Python client.
inline constexpr char kDefaultServer[] = "127.0.0.1:50051";

// A live Subscribe stream. It is read by the threads that call Next,
// NextBatch, NextReceivedBatch and WaitReady (one at a time), with no
// thread of its own; when nobody calls them the stream reads nothing and
// gRPC flow control pushes back on the server (which then drops this
// subscriber back to catch-up, costing it nothing).
class EventStream {
 public:
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;
  // Cancels the stream and waits for it to end.
  ~EventStream();

  // Waits up to `timeout` for the next event. Returns the event, nullopt if
  // none came in time, or the status the stream ended with: CANCELLED after
  // Cancel, UNAVAILABLE when the server went away, the server's error (e.g.
  // OUT_OF_RANGE) otherwise. Thread-compatible: one reader at a time.
  absl::StatusOr<std::optional<v1::FeedEvent>> Next(absl::Duration timeout);

  // As Next, but returns, once the first event is there, every event that
  // has already arrived too (up to `max_events`, at least one); empty if
  // none came in time.
  absl::StatusOr<std::vector<v1::FeedEvent>> NextBatch(absl::Duration timeout,
                                                       size_t max_events);

  // An event as the serialized FeedEvent it arrived as: its bytes inside
  // the response it came in, which `response` keeps alive.
  struct Received {
    absl::string_view bytes;
    std::shared_ptr<const void> response;
  };

  // As NextBatch, but each event as received (events are kept in the
  // responses they came in, so this parses and copies nothing): for callers
  // that read events themselves, such as the Python module.
  absl::StatusOr<std::vector<Received>> NextReceivedBatch(absl::Duration timeout,
                                                          size_t max_events);

  // Waits up to `timeout` until an event can be taken without waiting, or
  // the stream has ended (Next then returns at once); returns whether
  // either happened. Takes nothing. Thread-safe.
  bool WaitReady(absl::Duration timeout);

  // Ends the stream; Next then returns CANCELLED once buffered events are
  // consumed. Thread-safe; idempotent.
  void Cancel();

 private:
  friend class Client;
  class Reader;
  EventStream();

  std::unique_ptr<Reader> reader_;
};

struct ClientOptions {
  // API key sent with every call (`authorization: Bearer <key>`); none when
  // empty.
  std::string key;
  // TLS toward the server; plaintext when not enabled.
  TlsClientOptions tls;
};

class Client {
 public:
  // Connects lazily to `target` (HOST:PORT) without TLS or key.
  explicit Client(const std::string& target);

  // Connects lazily to `target` as `options` say. INVALID_ARGUMENT /
  // NOT_FOUND name a TLS file that cannot be used.
  static absl::StatusOr<std::unique_ptr<Client>> Open(const std::string& target,
                                                      const ClientOptions& options);

  // Publishes `article`; see Wire::Publish for the errors. An article over
  // kMaxArticleBytes is refused INVALID_ARGUMENT without being sent.
  absl::StatusOr<PublishResult> Publish(const Article& article,
                                        absl::Duration timeout = absl::Seconds(30));

  // Returns version `version` (0: current) of article `id`, in `view`
  // (FULL when UNSPECIFIED). NOT_FOUND names what is missing.
  absl::StatusOr<v1::GetArticleResponse> Get(
      const std::string& id, uint32_t version = 0,
      v1::ArticleView view = v1::ARTICLE_VIEW_FULL,
      absl::Duration timeout = absl::Seconds(30));

  // Searches the archive; see SearchArticlesRequest.
  absl::StatusOr<v1::SearchArticlesResponse> Search(
      const v1::SearchArticlesRequest& request,
      absl::Duration timeout = absl::Seconds(30));

  // Opens a Subscribe stream. Errors (bad request, unreachable server)
  // arrive through EventStream::Next.
  std::unique_ptr<EventStream> Subscribe(const v1::SubscribeRequest& request);

  // Who the server takes this client for, and what it may do.
  absl::StatusOr<v1::GetEntitlementsResponse> GetEntitlements(
      absl::Duration timeout = absl::Seconds(30));

  // The Admin service (the key needs the admin scope).
  absl::StatusOr<v1::CreateKeyResponse> CreateKey(const v1::CreateKeyRequest& request,
                                                  absl::Duration timeout = absl::Seconds(30));
  absl::StatusOr<v1::ListKeysResponse> ListKeys(absl::Duration timeout = absl::Seconds(30));
  absl::StatusOr<v1::RevokeKeyResponse> RevokeKey(const std::string& id,
                                                  absl::Duration timeout = absl::Seconds(30));
  absl::StatusOr<v1::CreateKeyResponse> RotateKey(const v1::RotateKeyRequest& request,
                                                  absl::Duration timeout = absl::Seconds(30));
  absl::StatusOr<v1::ReadAuditResponse> ReadAudit(const v1::ReadAuditRequest& request,
                                                  absl::Duration timeout = absl::Seconds(30));

  const std::string& target() const { return target_; }

 private:
  Client(const std::string& target, std::shared_ptr<grpc::Channel> channel, std::string key);

  // One unary call on `stub` with the key and a deadline `timeout` away.
  template <typename Response, typename Stub, typename Request, typename Method>
  absl::StatusOr<Response> Call(Stub& stub, Method method, const Request& request,
                                absl::Duration timeout);

  std::string target_;
  std::string key_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::NewsFeed::Stub> stub_;
  std::unique_ptr<v1::Account::Stub> account_stub_;
  std::unique_ptr<v1::Admin::Stub> admin_stub_;
  // Subscribe responses are read raw through it (see EventStream).
  std::unique_ptr<grpc::GenericStub> generic_stub_;
};

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_CLIENT_H_
