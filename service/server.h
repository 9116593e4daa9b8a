// A running newswire server: the store, hub and publish path of the core
// behind a gRPC listener with the NewsFeed service, the standard health
// service and server reflection.
#ifndef NEWSWIRE_SERVICE_SERVER_H_
#define NEWSWIRE_SERVICE_SERVER_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/embargo_clock.h"
#include "core/hub.h"
#include "core/sqlite_store.h"
#include "core/store.h"
#include "core/wire.h"
#include "grpcpp/server.h"
#include "service/feed_service.h"
#include "service/subscribe_queue.h"

namespace newswire {

struct ServerOptions {
  // HOST:PORT to listen on; port 0 picks a free port.
  std::string listen = "127.0.0.1:50051";
  // Directory of the durable SQLite archive; empty keeps everything in
  // memory (lost when the server stops).
  std::string data_dir;
  // Options of the archive (e.g. a size limit).
  SqliteStoreOptions archive;
  // Subscription limits and the slow-subscriber queue bound.
  HubOptions subscriptions;
  // How long events are kept; compaction runs at start and then every
  // compact_interval. The default keeps everything.
  Retention retention;
  absl::Duration compact_interval = absl::Minutes(1);
};

class Server {
 public:
  // Opens the store, starts serving and returns once the port is bound and
  // accepting. Returns the store's error if the archive cannot be opened
  // (see SqliteStore::Open), UNAVAILABLE naming the address if it cannot be
  // bound.
  static absl::StatusOr<std::unique_ptr<Server>> Start(const ServerOptions& options);

  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  // Shuts down (see Shutdown) if still running.
  ~Server();

  // The bound port, and HOST:PORT to give a client.
  int port() const { return port_; }
  const std::string& address() const { return address_; }

  // The publish path, for loading articles in process.
  Wire& wire() { return *wire_; }
  // Where events are stored.
  const Store& store() const { return *store_; }

  // Compacts the event log now, as the retention option says; returns how
  // many events were deleted. The server also does this on its own.
  absl::StatusOr<uint64_t> Compact();

  // Ends every open Subscribe stream with UNAVAILABLE ("the server is
  // shutting down"), lets calls in flight finish for up to `grace`, then
  // stops. Idempotent. Thread-safe.
  void Shutdown(absl::Duration grace = absl::Seconds(5));

 private:
  Server(std::unique_ptr<Store> store, const ServerOptions& options);

  // Runs Compact every compact_interval until shutdown.
  void CompactLoop();

  const std::unique_ptr<Store> store_;
  const std::unique_ptr<Hub> hub_;
  const std::unique_ptr<Wire> wire_;
  // Releases embargoed articles; stops before the Wire it publishes into.
  const std::unique_ptr<EmbargoClock> embargo_clock_;
  FeedService service_;
  // Serves Subscribe; stops after the gRPC server, before the hub.
  SubscribeQueue subscribe_queue_;
  int port_ = 0;
  std::string address_;
  const Retention retention_;
  const absl::Duration compact_interval_;
  absl::Mutex stopping_mu_ ABSL_ACQUIRED_BEFORE(shutdown_mu_);
  absl::Mutex shutdown_mu_;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;
  // Runs CompactLoop when retention is set; joined at shutdown.
  std::thread compactor_;
  // Last, so it stops before the parts it serves are destroyed.
  std::unique_ptr<grpc::Server> grpc_server_;
};

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_SERVER_H_
