#include "service/server.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "core/memory_store.h"
#include "core/sqlite_store.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"

namespace newswire {

Server::Server(std::unique_ptr<Store> store, const ServerOptions& options)
    : store_(std::move(store)),
      hub_(std::make_unique<Hub>(store_.get(), options.subscriptions)),
      wire_(std::make_unique<Wire>(store_.get(), hub_.get())),
      embargo_clock_(std::make_unique<EmbargoClock>(wire_.get(), store_.get())),
      service_(wire_.get(), store_.get()),
      subscribe_queue_(&service_, hub_.get()),
      retention_(options.retention),
      compact_interval_(options.compact_interval) {}

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const ServerOptions& options) {
  const size_t colon = options.listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == options.listen.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "listen address must be HOST:PORT, got \"", options.listen, "\""));
  }
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  std::unique_ptr<Store> store;
  if (options.data_dir.empty()) {
    store = std::make_unique<MemoryStore>();
  } else {
    absl::StatusOr<std::unique_ptr<SqliteStore>> archive =
        SqliteStore::Open(options.data_dir, options.archive);
    if (!archive.ok()) return archive.status();
    store = *std::move(archive);
  }
  std::unique_ptr<Server> server(new Server(std::move(store), options));
  const bool retains = options.retention.max_events > 0 ||
                       options.retention.max_age > absl::ZeroDuration();
  if (retains) {
    if (absl::StatusOr<uint64_t> compacted = server->Compact(); !compacted.ok()) {
      return compacted.status();
    }
  }
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, grpc::InsecureServerCredentials(),
                           &server->port_);
  builder.RegisterService(&server->service_);
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
  if (retains) server->compactor_ = std::thread([s = server.get()] { s->CompactLoop(); });
  return server;
}

Server::~Server() { Shutdown(); }

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
    (void)Compact();
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
  if (grpc_server_ == nullptr) return;  // Start failed.
  grpc_server_->Shutdown(std::chrono::system_clock::now() +
                         absl::ToChronoMilliseconds(grace));
  grpc_server_->Wait();
  subscribe_queue_.Shutdown();
}

}  // namespace newswire
