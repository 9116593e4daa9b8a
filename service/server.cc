#include "service/server.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "core/base/event_log.h"
#include "core/policy/key_store.h"
#include "core/store/jetstream_audit.h"
#include "core/store/jetstream_keys.h"
#include "core/store/jetstream_store.h"
#include "core/store/sqlite_store.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "service/message_limits.h"

namespace newswire {

Server::Server(std::unique_ptr<Store> store, std::unique_ptr<AuditLog> cluster_audit,
               AuditLog* audit, std::unique_ptr<KeyTable> keys, const ServerOptions& options)
    : store_(std::move(store)),
      cluster_audit_(std::move(cluster_audit)),
      audit_(cluster_audit_ != nullptr ? cluster_audit_.get() : audit),
      keys_(std::move(keys)),
      gate_(std::make_unique<Gate>(keys_.get(), audit_)),
      hub_(std::make_unique<Hub>(store_.get(), options.subscriptions)),
      wire_(std::make_unique<Wire>(store_.get(), hub_.get())),
      embargo_clock_(std::make_unique<EmbargoClock>(wire_.get(), store_.get())),
      service_(wire_.get(), store_.get(), gate_.get(), &metrics_),
      account_service_(gate_.get()),
      admin_service_(gate_.get(), keys_.get(), audit_),
      subscribe_queue_(&service_, hub_.get()),
      retention_(options.retention),
      compact_interval_(options.compact_interval) {
  wire_->set_gate(gate_.get());
  wire_->SetObserver([metrics = &metrics_](const absl::StatusOr<PublishResult>& result,
                                           absl::Duration took) {
    metrics->CountPublish(result, took);
  });
  AddArchiveMetrics(options.data_dir);
  keys_->set_on_change([gate = gate_.get()] { gate->KeysChanged(); });
}

void Server::AddArchiveMetrics(const std::string& data_dir) {
  MetricsRegistry& registry = metrics_.registry();
  const Store* store = store_.get();
  registry.AddGauge("newswire_head_sequence", "Sequence of the newest event.", {},
                    [store] { return static_cast<double>(store->HeadSequence()); });
  registry.AddGauge("newswire_archive_events", "Events the archive holds.", {}, [store] {
    const uint64_t head = store->HeadSequence(), oldest = store->OldestSequence();
    return head == 0 || oldest == 0 || oldest > head ? 0.0
                                                     : static_cast<double>(head - oldest + 1);
  });
  if (!data_dir.empty()) {
    const std::string file = absl::StrCat(data_dir, "/", kArchiveFileName);
    registry.AddGauge("newswire_archive_bytes",
                      "Size of the archive's files (database and write-ahead log).", {}, [file] {
                        double bytes = 0;
                        for (const char* suffix : {"", "-wal"}) {
                          struct stat st;
                          if (::stat((file + suffix).c_str(), &st) == 0) bytes += st.st_size;
                        }
                        return bytes;
                      });
  }
  if (store->Progress().has_value()) {  // A replica: how it keeps up with the log.
    registry.AddGauge("newswire_log_applied_position",
                      "Log position this replica's archive has applied.", {},
                      [store] { return static_cast<double>(store->Progress()->applied); });
    registry.AddGauge("newswire_log_head_position", "The log's last position, as last seen.",
                      {}, [store] { return static_cast<double>(store->Progress()->head); });
    registry.AddGauge("newswire_log_head_age_seconds", "Time since the log's head was seen.",
                      {}, [store] {
                        return absl::ToDoubleSeconds(absl::Now() -
                                                     store->Progress()->head_seen_at);
                      });
  }
  const Hub* hub = hub_.get();
  registry.AddGauge("newswire_subscriptions", "Subscriptions open (every transport).", {},
                    [hub] { return static_cast<double>(hub->subscription_count()); });
  registry.AddCounterFunc(
      "newswire_slow_consumer_fallbacks_total",
      "Times a subscriber fell behind its queue bound and went back to the archive.", {},
      [hub] { return static_cast<double>(hub->fallback_count()); });
}

namespace {

int Millis(absl::Duration d) {
  return static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(d), INT32_MAX));
}

// Opens the archive `options` asks for (in the data dir, else in memory),
// and where its keys are kept.
struct OpenedStore {
  std::unique_ptr<Store> store;
  AuditLog* audit = nullptr;
  // A replica's: the cluster's audit log, over `audit`.
  std::unique_ptr<AuditLog> cluster_audit;
  std::unique_ptr<KeyStore> keys;
  // Set for a replica on a log: `store`, to be started once the hub exists.
  JetStreamStore* replica = nullptr;
};
absl::StatusOr<OpenedStore> OpenStore(const ServerOptions& options) {
  const bool in_memory = options.data_dir.empty();
  if (!in_memory && !options.keys_file.empty()) {
    return absl::InvalidArgumentError(
        "a keys file is for a server without a data dir: with one, keys are kept in the "
        "archive");
  }
  absl::StatusOr<std::unique_ptr<SqliteStore>> archive =
      in_memory ? SqliteStore::OpenInMemory(options.archive)
                : SqliteStore::Open(options.data_dir, options.archive);
  if (!archive.ok()) return archive.status();
  OpenedStore opened;
  if (in_memory) {
    opened.keys =
        options.keys_file.empty() ? OpenMemoryKeyStore() : OpenKeyFile(options.keys_file);
  } else {
    absl::StatusOr<std::unique_ptr<KeyStore>> keys = OpenArchiveKeyStore(
        (*archive)->path(), absl::StrCat(options.data_dir, "/", kPepperFileName));
    if (!keys.ok()) return keys.status();
    opened.keys = *std::move(keys);
  }
  opened.audit = archive->get();
  if (options.log.servers.empty()) {
    opened.store = *std::move(archive);
    return opened;
  }
  // A replica's keys are the cluster's, shared through the log's servers
  // (after adding what its own archive or keys file held), with the pepper
  // file beside them. One in memory without a keys file has no pepper file
  // to share and keeps its keys to itself.
  if (!in_memory || !options.keys_file.empty()) {
    absl::StatusOr<std::unique_ptr<KeyStore>> shared = OpenSharedKeyStore(
        options.log, *opened.keys,
        in_memory ? KeyFilePepperPath(options.keys_file)
                  : absl::StrCat(options.data_dir, "/", kPepperFileName));
    if (!shared.ok()) return shared.status();
    opened.keys = *std::move(shared);
  }
  // Every replica's audit entries are read through any of them.
  absl::StatusOr<std::unique_ptr<AuditLog>> cluster_audit =
      OpenSharedAuditLog(options.log, *opened.audit);
  if (!cluster_audit.ok()) return cluster_audit.status();
  opened.cluster_audit = *std::move(cluster_audit);
  absl::StatusOr<std::unique_ptr<JetStreamStore>> replica =
      JetStreamStore::Open(*std::move(archive), options.log);
  if (!replica.ok()) return replica.status();
  opened.replica = replica->get();
  opened.store = *std::move(replica);
  return opened;
}

// Refuses a listener anyone on the network could publish to.
absl::Status CheckExposure(const ServerOptions& options, const KeyTable& keys) {
  if (options.insecure || IsLoopbackAddress(options.listen)) return absl::OkStatus();
  const bool tls = options.tls.enabled();
  const bool keyed = keys.enforcing();
  if (tls && keyed) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "refusing to listen on ", options.listen, " without ",
      !tls && !keyed ? "TLS and API keys" : (!tls ? "TLS" : "API keys"),
      ": anyone who reaches it could ",
      !keyed ? "publish, update or kill any story and read everything"
             : "read every key and story in plain text",
      ". ",
      !tls ? "Give --tls-cert and --tls-key (e.g. openssl req -x509 -newkey ec -pkeyopt "
             "ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.crt -subj "
             "/CN=HOST -addext subjectAltName=DNS:HOST). "
           : "",
      !keyed ? "Create a key first (newswire keys create NAME --scope admin --data DIR). " : "",
      "Or listen on 127.0.0.1, or pass --insecure to accept the risk."));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const ServerOptions& options) {
  const size_t colon = options.listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == options.listen.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "listen address must be HOST:PORT, got \"", options.listen, "\""));
  }
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  absl::StatusOr<OpenedStore> opened = OpenStore(options);
  if (!opened.ok()) return opened.status();
  absl::StatusOr<std::unique_ptr<KeyTable>> keys = KeyTable::Open(std::move(opened->keys));
  if (!keys.ok()) return keys.status();
  if (absl::Status s = CheckExposure(options, **keys); !s.ok()) return s;
  std::unique_ptr<ServerTls> tls;
  if (options.tls.enabled()) {
    absl::StatusOr<std::unique_ptr<ServerTls>> started = ServerTls::Start(options.tls);
    if (!started.ok()) return started.status();
    tls = *std::move(started);
  }
  std::unique_ptr<Server> server(
      new Server(std::move(opened->store), std::move(opened->cluster_audit), opened->audit,
                 *std::move(keys), options));
  server->replica_ = opened->replica;
  if (opened->replica != nullptr) {
    // Every event the replica applies reaches this server's subscribers,
    // whichever replica took the publish.
    opened->replica->Start(
        [hub = server->hub_.get()](const FeedEvent& event) { hub->Publish(event); },
        [clock = server->embargo_clock_.get()] { clock->Held(); });
  }
  server->tls_ = std::move(tls);
  const std::shared_ptr<grpc::ServerCredentials> credentials =
      server->tls_ != nullptr ? server->tls_->credentials() : grpc::InsecureServerCredentials();
  const bool retains = options.retention.max_events > 0 ||
                       options.retention.max_age > absl::ZeroDuration();
  if (retains) {
    if (absl::StatusOr<uint64_t> compacted = server->Compact(); !compacted.ok()) {
      return compacted.status();
    }
  }
  grpc::ServerBuilder builder;
  // gRPC shares ports (SO_REUSEPORT) by default: a second server on the
  // same address would listen too, and clients would be split silently
  // between two archives.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, Millis(options.keepalive_time));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, Millis(options.keepalive_timeout));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  // Clients may ping every 10 s (grpcio's keepalive) without being told
  // off for too many pings.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, Millis(options.max_connection_age));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS,
                             Millis(options.max_connection_idle));
  builder.SetMaxReceiveMessageSize(static_cast<int>(kMaxRpcMessageBytes));
  builder.AddListeningPort(options.listen, credentials, &server->port_);
  builder.RegisterService(&server->service_);
  builder.RegisterService(&server->account_service_);
  builder.RegisterService(&server->admin_service_);
  server->subscribe_queue_.AddTo(builder);
  server->grpc_server_ = builder.BuildAndStart();
  if (server->grpc_server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen,
                     " (address in use or not available)"));
  }
  server->address_ =
      absl::StrCat(options.listen.substr(0, colon), ":", server->port_);
  server->subscribe_queue_.Start();
  // A replica without retention of its own still follows the cluster's.
  if (retains || server->replica_ != nullptr)
    server->compactor_ = std::thread([s = server.get()] { s->CompactLoop(); });
  return server;
}

Server::~Server() {
  Shutdown();
  // The gate goes before the key table, whose follower (shared keys) may
  // still report a change until the table is gone.
  keys_->set_on_change(nullptr);
}

absl::StatusOr<uint64_t> Server::Compact() {
  return store_->Compact(retention_, absl::Now());
}

void Server::CompactLoop() {
  absl::MutexLock lock(&shutdown_mu_);
  // Wakes at each interval, or at once on shutdown.
  while (!shutdown_mu_.AwaitWithTimeout(absl::Condition(&shut_down_), compact_interval_)) {
    shutdown_mu_.Unlock();
    // A failed compaction (say, a full disk) leaves events in place; the
    // next round tries again.
    const absl::Time start = absl::Now();
    absl::StatusOr<uint64_t> compacted = Compact();
    if (compacted.ok()) {
      LogEvent(*compacted > 0 ? LogLevel::kInfo : LogLevel::kDebug, "retention.ran",
               {{"removed", *compacted}, {"took_s", absl::Now() - start}});
    } else {
      LogEvent(LogLevel::kError, "retention.failed",
               {{"code", compacted.status()}, {"reason", compacted.status().message()}});
    }
    shutdown_mu_.Lock();
  }
}

void Server::Shutdown(absl::Duration grace) {
  // Held throughout, so a second caller returns only once the server stopped.
  absl::MutexLock stopping(&stopping_mu_);
  {
    absl::MutexLock lock(&shutdown_mu_);
    if (shut_down_) return;
    shut_down_ = true;
  }
  if (compactor_.joinable()) compactor_.join();
  hub_->Close();
  if (grpc_server_ != nullptr) {  // Else Start failed.
    grpc_server_->Shutdown(std::chrono::system_clock::now() +
                           absl::ToChronoMilliseconds(grace));
    grpc_server_->Wait();
    subscribe_queue_.Shutdown();
  }
  if (replica_ != nullptr) replica_->Stop();
}

}  // namespace newswire
