// TLS for the gRPC edge: server credentials that follow certificate files
// on disk, client channels, the principal of a verified client
// certificate, and what counts as loopback.
#ifndef NEWSWIRE_SERVICE_TLS_H_
#define NEWSWIRE_SERVICE_TLS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
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
  // How often the files are read again (whole seconds, at least 1).
  absl::Duration refresh = absl::Seconds(2);

  bool enabled() const { return !cert_file.empty() || !key_file.empty(); }
};

// Checks the files (each readable PEM; the key matches the certificate; the
// CA file holds a certificate; require_client_cert has a CA) and returns
// INVALID_ARGUMENT or NOT_FOUND naming the file and what is wrong. Then
// builds TLS credentials whose certificate, key and CA are read again from
// disk every `refresh`: a certificate replaced there (written aside, then
// renamed over the old one) is used for new handshakes from the next read
// on, without a restart; open connections keep theirs. A key and
// certificate read while only one of them was replaced do not match, and
// gRPC keeps the previous pair until the next read.
//
// Client certificates: not asked for without a CA; with one, verified when
// presented (a client without one gets in, one the CA did not sign does
// not); with require_client_cert, demanded.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsServerOptions& options);

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
  bool enabled() const { return !ca_file.empty() || !cert_file.empty(); }
};

// Opens a channel to `target` (lazily: nothing is connected yet), with
// `args`: plaintext when !options.enabled(), else TLS. NOT_FOUND /
// INVALID_ARGUMENT name a file that cannot be read or is not PEM.
absl::StatusOr<std::shared_ptr<grpc::Channel>> OpenChannel(
    const std::string& target, const TlsClientOptions& options,
    grpc::ChannelArguments args = {});

// The principal a call's verified client certificate names: its first URI
// SAN, else its subject CN; empty without a verified client certificate.
// Only reads the AuthContext, which the connection's calls share.
std::string CertificatePrincipal(const grpc::AuthContext& context);

// Whether a listen address (HOST:PORT, [V6]:PORT, unix:PATH) is reachable
// from this machine only: 127.0.0.0/8, ::1, localhost, a Unix socket.
bool IsLoopbackAddress(absl::string_view address);

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_TLS_H_
