#include "service/tls.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <tuple>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/base/event_log.h"
#include "absl/strings/strip.h"
#include "core/base/durable_file.h"
#include "core/ingest/file.h"
#include "grpc/grpc_security_constants.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"

namespace newswire {
namespace {

constexpr size_t kMaxPemBytes = 1 << 20;

struct FreeBio {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct FreeX509 {
  void operator()(X509* x) const { X509_free(x); }
};
struct FreeKey {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Bio = std::unique_ptr<BIO, FreeBio>;
using Certificate = std::unique_ptr<X509, FreeX509>;
using PrivateKey = std::unique_ptr<EVP_PKEY, FreeKey>;

Bio MemoryBio(const std::string& pem) {
  return Bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// The file at `path`, named as `what` in errors ("TLS certificate").
absl::StatusOr<std::string> ReadPem(const std::string& path, absl::string_view what) {
  absl::StatusOr<std::string> pem = ReadFileContents(path, kMaxPemBytes);
  if (!pem.ok()) {
    return absl::Status(pem.status().code(),
                        absl::StrCat(what, ": ", pem.status().message()));
  }
  return pem;
}

absl::StatusOr<Certificate> FirstCertificate(const std::string& pem,
                                             const std::string& path,
                                             absl::string_view what) {
  Bio bio = MemoryBio(pem);
  Certificate cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (cert == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " ", path, " holds no PEM certificate (\"-----BEGIN CERTIFICATE\")"));
  }
  return cert;
}

// Checks that `key_pem` (from `key_path`) is the private key of the first
// certificate in `cert_pem` (from `cert_path`).
absl::Status CheckPair(const std::string& cert_pem, const std::string& cert_path,
                       const std::string& key_pem, const std::string& key_path) {
  absl::StatusOr<Certificate> cert =
      FirstCertificate(cert_pem, cert_path, "TLS certificate");
  if (!cert.ok()) return cert.status();
  Bio key_bio = MemoryBio(key_pem);
  PrivateKey key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (key == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "TLS key ", key_path,
        " holds no unencrypted PEM private key (\"-----BEGIN PRIVATE KEY\")"));
  }
  if (X509_check_private_key(cert->get(), key.get()) != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "TLS key ", key_path, " is not the key of the certificate in ", cert_path));
  }
  return absl::OkStatus();
}

// The first value of `property` in `context`, or "".
std::string FirstProperty(const grpc::AuthContext& context, const char* property) {
  for (const grpc::string_ref& value : context.FindPropertyValues(property)) {
    return std::string(value.data(), value.size());
  }
  return "";
}

// How often the operator's files are looked at.
constexpr absl::Duration kWatchInterval = absl::Milliseconds(200);

}  // namespace

absl::StatusOr<std::unique_ptr<ServerTls>> ServerTls::Start(
    const TlsServerOptions& options) {
  if (options.cert_file.empty() || options.key_file.empty()) {
    return absl::InvalidArgumentError(
        "TLS needs a certificate and its key (--tls-cert and --tls-key)");
  }
  if (options.require_client_cert && options.client_ca_file.empty()) {
    return absl::InvalidArgumentError(
        "require-client-cert needs a client CA (--client-ca: the CA that signs client "
        "certificates)");
  }
  if (options.refresh < absl::Seconds(1)) {
    return absl::InvalidArgumentError("TLS refresh (--tls-refresh): at least 1s");
  }
  Files files;
  for (auto [path, pem, what] :
       {std::tuple{&options.cert_file, &files.cert, "TLS certificate"},
        std::tuple{&options.key_file, &files.key, "TLS key"},
        std::tuple{&options.client_ca_file, &files.ca, "client CA"}}) {
    if (path->empty()) continue;
    absl::StatusOr<std::string> read = ReadPem(*path, what);
    if (!read.ok()) return read.status();
    *pem = *std::move(read);
  }
  if (absl::Status s =
          CheckPair(files.cert, options.cert_file, files.key, options.key_file);
      !s.ok()) {
    return s;
  }
  if (!options.client_ca_file.empty()) {
    absl::Status s =
        FirstCertificate(files.ca, options.client_ca_file, "client CA").status();
    if (!s.ok()) return s;
  }
  std::string pattern = std::filesystem::temp_directory_path() / "newswire-tls-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::UnavailableError(absl::StrCat(
        "cannot create a directory for the TLS files: ", std::strerror(errno)));
  }
  std::unique_ptr<ServerTls> tls(new ServerTls(options, pattern, files));
  if (absl::Status s = tls->Stage(files); !s.ok()) return s;
  const auto refresh = static_cast<unsigned int>(absl::ToInt64Seconds(options.refresh));
  const std::string identity = tls->dir_ + "/identity.pem";
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      identity, identity, options.client_ca_file.empty() ? "" : tls->dir_ + "/ca.pem",
      refresh);
  grpc::experimental::TlsServerCredentialsOptions credentials(provider);
  credentials.watch_identity_key_cert_pairs();
  if (options.client_ca_file.empty()) {
    credentials.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  } else {
    credentials.watch_root_certs();
    credentials.set_cert_request_type(
        options.require_client_cert
            ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
            : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
  }
  tls->credentials_ = grpc::experimental::TlsServerCredentials(credentials);
  tls->watcher_ = std::thread([t = tls.get()] { t->WatchLoop(); });
  return tls;
}

ServerTls::ServerTls(TlsServerOptions options, std::string dir, Files staged)
    : options_(std::move(options)), dir_(std::move(dir)), staged_(std::move(staged)) {}

ServerTls::~ServerTls() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (watcher_.joinable()) watcher_.join();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

absl::Status ServerTls::Stage(const Files& files) const {
  // One file holding key and certificate: gRPC reads them from the same
  // bytes, so they always belong together.
  absl::Status s = WriteFileDurably(dir_ + "/identity.pem",
                                    absl::StrCat(files.key, "\n", files.cert), 0600);
  if (s.ok() && !files.ca.empty()) s = WriteFileDurably(dir_ + "/ca.pem", files.ca, 0600);
  return s;
}

void ServerTls::WatchLoop() {
  absl::MutexLock lock(&mu_);
  while (!mu_.AwaitWithTimeout(absl::Condition(&stop_), kWatchInterval)) {
    mu_.Unlock();
    Files now;
    bool readable = true;
    for (auto [path, pem] : {std::pair{&options_.cert_file, &now.cert},
                             std::pair{&options_.key_file, &now.key},
                             std::pair{&options_.client_ca_file, &now.ca}}) {
      if (path->empty()) continue;
      absl::StatusOr<std::string> read = ReadFileContents(*path, kMaxPemBytes);
      // Missing for a moment (a rename in progress): look again later.
      if (read.ok()) *pem = *std::move(read);
      readable = readable && read.ok();
    }
    if (readable && !(now == staged_)) {
      absl::Status s =
          CheckPair(now.cert, options_.cert_file, now.key, options_.key_file);
      if (s.ok() && !options_.client_ca_file.empty()) {
        s = FirstCertificate(now.ca, options_.client_ca_file, "client CA").status();
      }
      if (s.ok()) s = Stage(now);
      if (s.ok()) {
        staged_ = now;
        rejected_ = Files();
        reported_ = false;
      } else if (!(now == rejected_)) {
        rejected_ = now;  // A key renamed before its certificate: normal for a moment.
        reported_ = false;
      } else if (!reported_) {
        // The same files a look later: say so, once.
        reported_ = true;
        LogEvent(LogLevel::kWarning, "tls.not_reloaded",
                 {{"reason", s.message()}, {"serving", "the previous files"}});
      }
    }
    mu_.Lock();
  }
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> OpenChannel(
    const std::string& target, const TlsClientOptions& options,
    grpc::ChannelArguments args) {
  if (!options.enabled()) {
    return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  }
  grpc::SslCredentialsOptions ssl;
  if (!options.ca_file.empty()) {
    absl::StatusOr<std::string> ca = ReadPem(options.ca_file, "TLS CA");
    if (!ca.ok()) return ca.status();
    if (absl::Status s = FirstCertificate(*ca, options.ca_file, "TLS CA").status();
        !s.ok()) {
      return s;
    }
    ssl.pem_root_certs = *std::move(ca);
  }
  if (options.cert_file.empty() != options.key_file.empty()) {
    return absl::InvalidArgumentError(
        "a client certificate needs both --tls-cert and --tls-key");
  }
  if (!options.cert_file.empty()) {
    absl::StatusOr<std::string> cert = ReadPem(options.cert_file, "TLS certificate");
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadPem(options.key_file, "TLS key");
    if (!key.ok()) return key.status();
    if (absl::Status s = CheckPair(*cert, options.cert_file, *key, options.key_file);
        !s.ok()) {
      return s;
    }
    ssl.pem_cert_chain = *std::move(cert);
    ssl.pem_private_key = *std::move(key);
  }
  if (!options.server_name.empty()) args.SetSslTargetNameOverride(options.server_name);
  return grpc::CreateCustomChannel(target, grpc::SslCredentials(ssl), args);
}

std::string CertificatePrincipal(const grpc::AuthContext& context) {
  // A TLS server that asked for no certificate, or a client that sent none,
  // leaves the peer unauthenticated; so does plaintext.
  if (!context.IsPeerAuthenticated()) return "";
  if (std::string uri = FirstProperty(context, GRPC_PEER_URI_PROPERTY_NAME);
      !uri.empty()) {
    return uri;
  }
  return FirstProperty(context, GRPC_X509_CN_PROPERTY_NAME);
}

bool IsLoopbackAddress(absl::string_view address) {
  if (absl::StartsWith(address, "unix:") || absl::StartsWith(address, "unix-abstract:")) {
    return true;
  }
  absl::string_view host = address;
  // gRPC's own forms: ipv4:HOST:PORT, ipv6:[HOST]:PORT.
  if (!absl::ConsumePrefix(&host, "ipv4:")) absl::ConsumePrefix(&host, "ipv6:");
  if (absl::ConsumePrefix(&host, "[")) {
    host = host.substr(0, host.find(']'));
  } else if (const size_t colon = host.rfind(':'); colon != absl::string_view::npos) {
    host = host.substr(0, colon);
  }
  if (absl::EqualsIgnoreCase(host, "localhost")) return true;
  const std::string text(host);
  in_addr v4;
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    // ::ffff:127.x.x.x is IPv4's loopback written as IPv6.
    return IN6_IS_ADDR_LOOPBACK(&v6) ||
           (IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127);
  }
  return false;
}

}  // namespace newswire
