// TLS for the gRPC edge: server credentials that follow certificate files
// on disk, client channels, the principal of a verified client
// certificate, and what counts as loopback.
#ifndef NEWSWIRE_SERVICE_TLS_H_
#define NEWSWIRE_SERVICE_TLS_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/security/auth_context.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace newswire {

struct TlsServerOptions {
  // PEM certificate chain and private key of the server. The two may be
  // one file holding both (then one rename replaces both at once).
  std::string cert_file;
  std::string key_file;
  // PEM CA bundle that client certificates are verified against; empty:
  // none are asked for.
  std::string client_ca_file;
  // Refuse a handshake without a valid client certificate. REQUIRES:
  // client_ca_file.
  bool require_client_cert = false;
  // How soon a certificate replaced on disk is used (whole seconds, at
  // least 1; see ServerTls).
  absl::Duration refresh = absl::Seconds(2);

  bool enabled() const { return !cert_file.empty() || !key_file.empty(); }
};

// TLS for a server from files an operator replaces on disk.
//
// The files are checked at start (each readable PEM; the key matches the
// certificate; the CA file holds a certificate; require_client_cert has a
// CA): INVALID_ARGUMENT or NOT_FOUND naming the file and what is wrong.
// Then they are looked at every 200 ms: when they change and the new key
// matches the new certificate, that pair (and CA) goes to a private copy
// which gRPC's FileWatcherCertificateProvider re-reads every `refresh`. So
// a certificate replaced on disk (written aside, then renamed over the old
// one; key and certificate in either order, or one file holding both) is
// used for new handshakes within `refresh` + 200 ms, with no restart; open
// connections keep theirs. gRPC 1.51 would take a key and certificate that
// do not match (read between two renames) and fail every handshake until
// the next read; here a pair that does not match is never passed on, and
// the previous one is served meanwhile (a note goes to stderr once).
//
// Client certificates: not asked for without a CA; with one, verified when
// presented (a client without one gets in, one the CA did not sign does
// not); with require_client_cert, demanded.
class ServerTls {
 public:
  static absl::StatusOr<std::unique_ptr<ServerTls>> Start(
      const TlsServerOptions& options);

  ServerTls(const ServerTls&) = delete;
  ServerTls& operator=(const ServerTls&) = delete;
  // Stops watching and removes the private copies. REQUIRES: the server
  // using the credentials has shut down.
  ~ServerTls();

  const std::shared_ptr<grpc::ServerCredentials>& credentials() const {
    return credentials_;
  }

 private:
  // What was last read from the operator's files, as bytes.
  struct Files {
    std::string cert, key, ca;
    bool operator==(const Files&) const = default;
  };

  ServerTls(TlsServerOptions options, std::string dir, Files staged);
  // Copies `files` (checked) to the private directory, atomically each.
  absl::Status Stage(const Files& files) const;
  // Looks at the files every 200 ms until the destructor says stop.
  void WatchLoop();

  const TlsServerOptions options_;
  // Private copies gRPC reads: identity.pem (key and certificate) and
  // ca.pem; mode 0700.
  const std::string dir_;
  // Touched only by the watcher thread after Start: what gRPC serves, and
  // the last change that could not be (reported once if it lasts).
  Files staged_;
  Files rejected_;
  bool reported_ = false;
  std::shared_ptr<grpc::ServerCredentials> credentials_;
  absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread watcher_;
};

struct TlsClientOptions {
  // PEM roots that verify the server; empty: the system's roots.
  std::string ca_file;
  // A client certificate and its key (mutual TLS).
  std::string cert_file;
  std::string key_file;
  // The name the server's certificate holds, when it is not the target's
  // host (e.g. connecting to an IP address).
  std::string server_name;

  // TLS when any file is given; plaintext otherwise.
  bool enabled() const {
    return !ca_file.empty() || !cert_file.empty() || !key_file.empty();
  }
};

// Opens a channel to `target` (lazily: nothing is connected yet), with
// `args`: plaintext when !options.enabled(), else TLS. NOT_FOUND /
// INVALID_ARGUMENT name a file that cannot be read or is not PEM, or a
// client key that does not match its certificate.
absl::StatusOr<std::shared_ptr<grpc::Channel>> OpenChannel(
    const std::string& target, const TlsClientOptions& options,
    grpc::ChannelArguments args = {});

// The principal a call's verified client certificate names: its first URI
// SAN, else its subject CN; empty without a verified client certificate.
// Only reads the AuthContext, which the connection's calls share.
std::string CertificatePrincipal(const grpc::AuthContext& context);

// Whether a listen address (HOST:PORT, [V6]:PORT, ipv4:/ipv6: forms,
// unix:PATH) is reachable from this machine only: 127.0.0.0/8 (also
// v4-mapped), ::1, localhost, a Unix socket.
bool IsLoopbackAddress(absl::string_view address);

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_TLS_H_
