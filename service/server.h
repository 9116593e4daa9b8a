// A running newswire server: the store, hub and publish path of the core
// behind a gRPC listener with the NewsFeed, Account and Admin services, the
// standard health service and server reflection; every call admitted by
// the Gate against the server's API keys.
#ifndef NEWSWIRE_SERVICE_SERVER_H_
#define NEWSWIRE_SERVICE_SERVER_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/publish/embargo_clock.h"
#include "core/fanout/hub.h"
#include "core/policy/audit_log.h"
#include "core/policy/gate.h"
#include "core/policy/key_table.h"
#include "core/store/jetstream_log.h"
#include "core/store/sqlite_store.h"
#include "core/store/store.h"
#include "core/publish/wire.h"
#include "grpcpp/server.h"
#include "service/access_service.h"
#include "service/feed_service.h"
#include "service/server_metrics.h"
#include "service/subscribe_queue.h"
#include "service/tls.h"

namespace newswire {

class JetStreamStore;

struct ServerOptions {
  // HOST:PORT to listen on; port 0 picks a free port.
  std::string listen = "127.0.0.1:50051";
  // Directory of the durable SQLite archive; empty keeps the archive in
  // memory (SqliteStore::OpenInMemory: every call works as on disk, search
  // included, but nothing survives the server).
  std::string data_dir;
  // Options of the archive, on disk or in memory (e.g. a size limit).
  SqliteStoreOptions archive;
  // Scale-out: with servers set, this server is a replica on that NATS
  // JetStream log (JetStreamStore): publishes go to the log, and the
  // archive above (on disk or in memory) is this replica's copy of it.
  JetStreamOptions log;
  // Subscription limits and the slow-subscriber queue bound.
  HubOptions subscriptions;
  // How long events are kept; compaction runs at start and then every
  // compact_interval. The default keeps everything (a replica then follows
  // the cluster's retention: JetStreamStore::Compact).
  Retention retention;
  absl::Duration compact_interval = absl::Minutes(1);

  // TLS for the listener; plaintext without a certificate.
  TlsServerOptions tls;
  // Listen on an address other than loopback without TLS or without API
  // keys anyway (refused by default: anyone who reaches the port could
  // publish or kill stories).
  bool insecure = false;
  // Without a data dir: keep API keys in this file (else only in memory).
  std::string keys_file;
  // Keepalive: a connection quiet this long is pinged, and closed if the
  // ping is not answered within keepalive_timeout (dead clients found).
  absl::Duration keepalive_time = absl::Seconds(30);
  absl::Duration keepalive_timeout = absl::Seconds(10);
  // A connection this old is asked to reconnect (new calls go to a new
  // connection, with a fresh handshake); calls on it run to their end.
  absl::Duration max_connection_age = absl::Hours(1);
  // A connection without calls for this long is closed.
  absl::Duration max_connection_idle = absl::Minutes(30);
};

class Server {
 public:
  // Opens the store and its keys, starts serving and returns once the port
  // is bound and accepting. Returns the store's error if the archive cannot
  // be opened (see SqliteStore::Open), INVALID_ARGUMENT / NOT_FOUND naming
  // a bad TLS file, FAILED_PRECONDITION for an address other than loopback
  // without TLS and keys (unless options.insecure), UNAVAILABLE naming the
  // address if it cannot be bound (in use: the port is never shared).
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
  // Fans events out to subscriptions (of every transport).
  Hub& hub() { return *hub_; }
  // What the server counts, with the archive's and hub's gauges.
  ServerMetrics& metrics() { return metrics_; }
  // The API keys (created in process by scripts and tests).
  KeyTable& keys() { return *keys_; }
  // The audit log.
  AuditLog& audit_log() { return *audit_; }
  // Admits calls by their keys (every edge asks it).
  Gate& gate() { return *gate_; }

  // Compacts the event log now, as the retention option says; returns how
  // many events were deleted. The server also does this on its own.
  absl::StatusOr<uint64_t> Compact();

  // Ends every open Subscribe stream with UNAVAILABLE ("the server is
  // shutting down"), lets calls in flight finish for up to `grace`, then
  // stops. Idempotent. Thread-safe.
  void Shutdown(absl::Duration grace = absl::Seconds(5));

 private:
  // `audit` is the store's, or `cluster_audit` when this is a replica.
  Server(std::unique_ptr<Store> store, std::unique_ptr<AuditLog> cluster_audit,
         AuditLog* audit, std::unique_ptr<KeyTable> keys, const ServerOptions& options);

  // Registers the gauges read from the store and hub when scraped.
  void AddArchiveMetrics(const std::string& data_dir);

  // Runs Compact every compact_interval until shutdown.
  void CompactLoop();

  // Counted by every part; read by GET /metrics.
  ServerMetrics metrics_;
  const std::unique_ptr<Store> store_;
  // `store_` when this server is a replica on a log; its apply, which
  // feeds the hub, stops in Shutdown, before the hub goes.
  JetStreamStore* replica_ = nullptr;
  // A replica's audit log, shared by the cluster (over the store's own).
  const std::unique_ptr<AuditLog> cluster_audit_;
  AuditLog* const audit_;  // The store's, or `cluster_audit_`.
  const std::unique_ptr<KeyTable> keys_;
  // Admits every call; outlives the streams it watches.
  const std::unique_ptr<Gate> gate_;
  const std::unique_ptr<Hub> hub_;
  const std::unique_ptr<Wire> wire_;
  // Releases embargoed articles; stops before the Wire it publishes into.
  const std::unique_ptr<EmbargoClock> embargo_clock_;
  FeedService service_;
  AccountService account_service_;
  AdminService admin_service_;
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
  // TLS files, watched for replacement; outlives the gRPC server.
  std::unique_ptr<ServerTls> tls_;
  // Last, so it stops before the parts it serves are destroyed.
  std::unique_ptr<grpc::Server> grpc_server_;
};

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_SERVER_H_
