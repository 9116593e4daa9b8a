// A throwaway PKI for TLS tests, made with the `openssl` command line in a
// temp directory that is removed with it (EC P-256 keys; the standard set
// takes about a quarter of a second): a CA, a server certificate it signs
// (SAN DNS:localhost, IP:127.0.0.1), two client certificates it signs (one
// with a URI SAN and a CN, one with only a CN), a foreign CA with a client
// certificate of its own, and more on demand (new authorities, re-issued
// server certificates) for rotation tests.
//
// Errors come back as absl::Status carrying the failed command and
// openssl's stderr, for the test to fail with.
#ifndef NEWSWIRE_TESTS_SERVICE_TEST_CERTS_H_
#define NEWSWIRE_TESTS_SERVICE_TEST_CERTS_H_

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "tests/core/temp_dir.h"

namespace newswire {

// A certificate and its private key, as PEM files.
struct TestIdentity {
  std::string cert_file;
  std::string key_file;
};

class TestPki {
 public:
  // The URI SAN and CNs of the standard client certificates.
  static constexpr char kClientUri[] = "spiffe://newsroom.test/ap-desk";
  static constexpr char kUriClientCn[] = "ap-desk";
  static constexpr char kCnClientCn[] = "reuters-desk";

  // Whether the openssl command line can be run; tests skip without it.
  static bool OpensslAvailable() {
    return std::system("command -v openssl >/dev/null 2>&1") == 0;
  }

  TestPki() = default;
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  // Makes the standard certificates. Call once, before the accessors.
  absl::Status Create() {
    absl::StatusOr<TestIdentity> ca = NewAuthority("Newswire Test CA");
    if (!ca.ok()) return ca.status();
    ca_ = *std::move(ca);
    absl::StatusOr<TestIdentity> server = IssueServer(ca_, "newswire-server");
    if (!server.ok()) return server.status();
    server_ = *std::move(server);
    absl::StatusOr<TestIdentity> uri = IssueClient(ca_, kUriClientCn, kClientUri);
    if (!uri.ok()) return uri.status();
    uri_client_ = *std::move(uri);
    absl::StatusOr<TestIdentity> cn = IssueClient(ca_, kCnClientCn, "");
    if (!cn.ok()) return cn.status();
    cn_client_ = *std::move(cn);
    absl::StatusOr<TestIdentity> foreign_ca = NewAuthority("Foreign Test CA");
    if (!foreign_ca.ok()) return foreign_ca.status();
    foreign_ca_ = *std::move(foreign_ca);
    absl::StatusOr<TestIdentity> foreign =
        IssueClient(foreign_ca_, "foreign-desk", "spiffe://elsewhere.test/desk");
    if (!foreign.ok()) return foreign.status();
    foreign_client_ = *std::move(foreign);
    return absl::OkStatus();
  }

  const std::string& dir() const { return dir_.path(); }
  const TestIdentity& ca() const { return ca_; }
  const TestIdentity& server() const { return server_; }
  // Signed by ca(): URI SAN kClientUri and CN kUriClientCn.
  const TestIdentity& uri_client() const { return uri_client_; }
  // Signed by ca(): CN kCnClientCn, no SAN.
  const TestIdentity& cn_client() const { return cn_client_; }
  const TestIdentity& foreign_ca() const { return foreign_ca_; }
  // Signed by foreign_ca(), which ca() knows nothing of.
  const TestIdentity& foreign_client() const { return foreign_client_; }

  // A new self-signed CA named `common_name`.
  absl::StatusOr<TestIdentity> NewAuthority(absl::string_view common_name) {
    const std::string base = NextBase();
    TestIdentity id{base + ".pem", base + ".key"};
    if (absl::Status s = WriteFile(base + ".cnf", Config(common_name,
                                                         "basicConstraints = critical, CA:TRUE\n"
                                                         "keyUsage = critical, keyCertSign, cRLSign\n"
                                                         "subjectKeyIdentifier = hash\n"));
        !s.ok()) {
      return s;
    }
    absl::Status s = Openssl(absl::StrCat(
        "req -x509 -config ", Quote(base + ".cnf"), " -extensions v3",
        " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ",
        Quote(id.key_file), " -out ", Quote(id.cert_file), " -days 2 -set_serial ", serial_));
    if (!s.ok()) return s;
    return id;
  }

  // A new server certificate for localhost and 127.0.0.1 signed by `ca`,
  // with a fresh key, serial and subject CN `common_name`.
  absl::StatusOr<TestIdentity> IssueServer(const TestIdentity& ca,
                                           absl::string_view common_name) {
    return Issue(ca, common_name,
                 "basicConstraints = critical, CA:FALSE\n"
                 "keyUsage = critical, digitalSignature\n"
                 "extendedKeyUsage = serverAuth\n"
                 "subjectAltName = DNS:localhost, IP:127.0.0.1\n");
  }

  // A new client certificate signed by `ca` with subject CN `common_name`
  // and, unless empty, the URI SAN `uri`.
  absl::StatusOr<TestIdentity> IssueClient(const TestIdentity& ca,
                                           absl::string_view common_name,
                                           absl::string_view uri) {
    std::string ext =
        "basicConstraints = critical, CA:FALSE\n"
        "keyUsage = critical, digitalSignature\n"
        "extendedKeyUsage = clientAuth\n";
    if (!uri.empty()) absl::StrAppend(&ext, "subjectAltName = URI:", uri, "\n");
    return Issue(ca, common_name, ext);
  }

  // Writes `contents` to `path`, replacing it.
  static absl::Status WriteFile(const std::string& path, absl::string_view contents) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.close();
    if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
    return absl::OkStatus();
  }

  static std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream contents;
    contents << in.rdbuf();
    return contents.str();
  }

 private:
  // A file name stem for the next certificate; also advances the serial.
  std::string NextBase() {
    ++serial_;
    return absl::StrCat(dir_.path(), "/cert", serial_);
  }

  // A `req` config that asks nothing, names the subject and holds
  // `extensions` as section v3.
  static std::string Config(absl::string_view common_name, absl::string_view extensions) {
    return absl::StrCat("[req]\nprompt = no\ndistinguished_name = dn\n[dn]\n",
                        "O = Newswire Tests\nCN = ", common_name, "\n[v3]\n", extensions);
  }

  absl::StatusOr<TestIdentity> Issue(const TestIdentity& ca, absl::string_view common_name,
                                     absl::string_view extensions) {
    const std::string base = NextBase();
    TestIdentity id{base + ".pem", base + ".key"};
    if (absl::Status s = WriteFile(base + ".cnf", Config(common_name, extensions)); !s.ok()) {
      return s;
    }
    absl::Status s = Openssl(absl::StrCat(
        "req -new -config ", Quote(base + ".cnf"),
        " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ",
        Quote(id.key_file), " -out ", Quote(base + ".csr")));
    if (!s.ok()) return s;
    s = Openssl(absl::StrCat("x509 -req -in ", Quote(base + ".csr"), " -CA ",
                             Quote(ca.cert_file), " -CAkey ", Quote(ca.key_file),
                             " -set_serial ", serial_, " -days 2 -extfile ",
                             Quote(base + ".cnf"), " -extensions v3 -out ",
                             Quote(id.cert_file)));
    if (!s.ok()) return s;
    return id;
  }

  // Runs `openssl <args>`; on failure returns the command and its stderr.
  absl::Status Openssl(const std::string& args) {
    const std::string err_file = dir_.path() + "/openssl.err";
    const std::string command =
        absl::StrCat("openssl ", args, " >/dev/null 2>", Quote(err_file));
    const int rc = std::system(command.c_str());
    if (rc != 0) {
      return absl::InternalError(absl::StrCat("`", command, "` failed (", rc,
                                              "): ", ReadFile(err_file)));
    }
    return absl::OkStatus();
  }

  static std::string Quote(absl::string_view word) {
    return absl::StrCat("'", absl::StrReplaceAll(word, {{"'", "'\\''"}}), "'");
  }

  TempDir dir_;
  int serial_ = 0;
  TestIdentity ca_, server_, uri_client_, cn_client_, foreign_ca_, foreign_client_;
};

}  // namespace newswire

#endif  // NEWSWIRE_TESTS_SERVICE_TEST_CERTS_H_
