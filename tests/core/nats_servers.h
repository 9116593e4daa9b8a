// nats-servers with JetStream for tests: started on free loopback ports,
// clustered when there are several, each with its own store under a
// directory the test owns, and killed by pid (SIGKILL) when done.
#ifndef NEWSWIRE_TESTS_CORE_NATS_SERVERS_H_
#define NEWSWIRE_TESTS_CORE_NATS_SERVERS_H_

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace newswire {

class NatsServers {
 public:
  // Whether nats-server is installed (tests skip with a message if not).
  static bool Available() { return std::system("command -v nats-server >/dev/null 2>&1") == 0; }

  // Starts `count` servers, data under `dir`. Check ok() after.
  NatsServers(int count, std::string dir) : dir_(std::move(dir)) {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    for (int i = 0; i < count; ++i) nodes_.push_back(Node{FreePort(), FreePort(), -1});
    for (int i = 0; i < count; ++i) Start(i);
    for (int i = 0; i < count; ++i) ok_ = ok_ && AwaitListening(i);
  }
  ~NatsServers() {
    for (size_t i = 0; i < nodes_.size(); ++i) Kill(i);
  }
  NatsServers(const NatsServers&) = delete;
  NatsServers& operator=(const NatsServers&) = delete;

  bool ok() const { return ok_; }
  int size() const { return static_cast<int>(nodes_.size()); }

  std::string url(int i) const {
    return absl::StrCat("nats://127.0.0.1:", nodes_[i].client_port);
  }
  std::vector<std::string> urls() const {
    std::vector<std::string> out;
    for (int i = 0; i < size(); ++i) out.push_back(url(i));
    return out;
  }
  std::string log_file(int i) const { return absl::StrCat(dir_, "/n", i, ".log"); }

  // SIGKILLs server `i` (no-op if it is not running) and reaps it.
  void Kill(int i) {
    Node& node = nodes_[i];
    if (node.pid <= 0) return;
    ::kill(node.pid, SIGKILL);
    ::waitpid(node.pid, nullptr, 0);
    node.pid = -1;
  }

  // Starts server `i` again on its ports and store; true once it listens.
  bool Restart(int i) {
    Kill(i);
    Start(i);
    return AwaitListening(i);
  }

 private:
  struct Node {
    int client_port;
    int cluster_port;
    pid_t pid;
  };

  static int FreePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
      port = ntohs(address.sin_port);
    }
    ::close(fd);
    return port;
  }

  // Whether server `i` listens within 10 s (false at once if it exited).
  bool AwaitListening(int i) {
    const int port = nodes_[i].client_port;
    for (int attempt = 0; attempt < 200; ++attempt) {
      if (::waitpid(nodes_[i].pid, nullptr, WNOHANG) == nodes_[i].pid) {
        nodes_[i].pid = -1;
        return false;
      }
      const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      address.sin_port = htons(port);
      const bool up = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
      ::close(fd);
      if (up) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  void Start(int i) {
    const Node& node = nodes_[i];
    std::vector<std::string> args = {
        "nats-server",  "-a", "127.0.0.1", "-p", std::to_string(node.client_port), "-js",
        "-sd",          absl::StrCat(dir_, "/n", i), "--server_name", absl::StrCat("n", i),
        "-l",           log_file(i)};
    if (nodes_.size() > 1) {
      std::vector<std::string> routes;
      for (size_t j = 0; j < nodes_.size(); ++j) {
        if (static_cast<int>(j) != i) {
          routes.push_back(absl::StrCat("nats://127.0.0.1:", nodes_[j].cluster_port));
        }
      }
      args.insert(args.end(), {"--cluster_name", "newswire-test", "--cluster",
                               absl::StrCat("nats://127.0.0.1:", node.cluster_port), "--routes",
                               absl::StrJoin(routes, ",")});
    }
    const pid_t pid = ::fork();
    if (pid == 0) {
      std::vector<char*> argv;
      for (std::string& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      ::execvp("nats-server", argv.data());
      ::_exit(127);
    }
    nodes_[i].pid = pid;
  }

  const std::string dir_;
  std::vector<Node> nodes_;
  bool ok_ = true;
};

}  // namespace newswire

#endif  // NEWSWIRE_TESTS_CORE_NATS_SERVERS_H_
