#include "service/tls.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstdint>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
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

// The file at `path`, named as `what` in errors ("--tls-cert").
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
        what, ": ", path, " holds no PEM certificate (\"-----BEGIN CERTIFICATE\")"));
  }
  return cert;
}

// Reads and checks the server's files; returns nothing but errors.
absl::Status CheckServerFiles(const TlsServerOptions& options) {
  if (options.cert_file.empty() || options.key_file.empty()) {
    return absl::InvalidArgumentError("TLS needs both --tls-cert and --tls-key");
  }
  if (options.require_client_cert && options.client_ca_file.empty()) {
    return absl::InvalidArgumentError(
        "--require-client-cert needs --client-ca (the CA that signs client "
        "certificates)");
  }
  absl::StatusOr<std::string> cert_pem = ReadPem(options.cert_file, "--tls-cert");
  if (!cert_pem.ok()) return cert_pem.status();
  absl::StatusOr<Certificate> cert =
      FirstCertificate(*cert_pem, options.cert_file, "--tls-cert");
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key_pem = ReadPem(options.key_file, "--tls-key");
  if (!key_pem.ok()) return key_pem.status();
  Bio key_bio = MemoryBio(*key_pem);
  PrivateKey key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (key == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--tls-key: ", options.key_file,
        " holds no unencrypted PEM private key (\"-----BEGIN PRIVATE KEY\")"));
  }
  if (X509_check_private_key(cert->get(), key.get()) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--tls-key: ", options.key_file,
                     " is not the key of the certificate in ", options.cert_file));
  }
  if (!options.client_ca_file.empty()) {
    absl::StatusOr<std::string> ca_pem = ReadPem(options.client_ca_file, "--client-ca");
    if (!ca_pem.ok()) return ca_pem.status();
    absl::StatusOr<Certificate> ca =
        FirstCertificate(*ca_pem, options.client_ca_file, "--client-ca");
    if (!ca.ok()) return ca.status();
  }
  if (options.refresh < absl::Seconds(1)) {
    return absl::InvalidArgumentError("--tls-refresh: at least 1s");
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

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsServerOptions& options) {
  if (absl::Status s = CheckServerFiles(options); !s.ok()) return s;
  const auto refresh = static_cast<unsigned int>(
      std::max<int64_t>(1, absl::ToInt64Seconds(options.refresh)));
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      options.key_file, options.cert_file, options.client_ca_file, refresh);
  grpc::experimental::TlsServerCredentialsOptions tls(provider);
  tls.watch_identity_key_cert_pairs();
  if (options.client_ca_file.empty()) {
    tls.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  } else {
    tls.watch_root_certs();
    tls.set_cert_request_type(
        options.require_client_cert
            ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
            : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
  }
  return grpc::experimental::TlsServerCredentials(tls);
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> OpenChannel(
    const std::string& target, const TlsClientOptions& options,
    grpc::ChannelArguments args) {
  if (!options.enabled()) {
    return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  }
  grpc::SslCredentialsOptions ssl;
  if (!options.ca_file.empty()) {
    absl::StatusOr<std::string> ca = ReadPem(options.ca_file, "--tls-ca");
    if (!ca.ok()) return ca.status();
    if (absl::Status s = FirstCertificate(*ca, options.ca_file, "--tls-ca").status();
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
    absl::StatusOr<std::string> cert = ReadPem(options.cert_file, "--tls-cert");
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadPem(options.key_file, "--tls-key");
    if (!key.ok()) return key.status();
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
    return IN6_IS_ADDR_LOOPBACK(&v6);
  }
  return false;
}

}  // namespace newswire
