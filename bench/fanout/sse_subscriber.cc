// fanout_sse_subscriber: the subscribers of the SSE contender: GET
// /v1/stream streams on newswire's HTTP edge (service/http_events.h), each
// its own TCP connection, all driven by one thread on epoll in this one
// process.
//
//   fanout_sse_subscriber --target HOST:PORT --streams N [--events E]
//                         [--latency] [--idle-s S] [--query Q]
//                         [--connecting C]
//
// Every stream asks for /v1/stream?Q (default "view=headline": live events
// from the newest, as the gRPC subscribers' START_LATEST, HEADLINE). The
// client does what any client must: reads the status line and headers,
// undoes the chunked transfer coding, splits the event-stream text into
// lines and events; per event it takes the sequence from the `id:` line and
// finds the stamp in the `data:` line without parsing the JSON, the same
// small work per event as the gRPC client. A stream is subscribed once its
// caught_up event arrived. At most C streams (default 256) are connecting
// or waiting for caught_up at a time, so the server's listen backlog never
// overflows. Prints what bench/fanout/receipts.h says; a "message" is one
// read from a socket.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "bench/fanout/payload.h"
#include "bench/fanout/receipts.h"
#include "bench/flags.h"

namespace newswire::bench {
namespace {

// One SSE stream on its own connection: an HTTP/1.1 response with a
// chunked body of text/event-stream, parsed as it arrives.
class SseStream {
 public:
  SseStream(Receipts& receipts, Receipts::Stream& tally)
      : receipts_(receipts), tally_(tally) {}
  ~SseStream() {
    if (fd_ >= 0) close(fd_);
  }

  int fd() const { return fd_; }
  bool subscribed() const { return subscribed_; }

  // Starts a non-blocking connect to `address` and registers with `epoll`.
  // Returns false (after reporting) on failure.
  bool Connect(const sockaddr_in& address, int epoll, void* tag) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return Fail(absl::StrCat("socket: ", std::strerror(errno)));
    if (connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 &&
        errno != EINPROGRESS) {
      return Fail(absl::StrCat("connect: ", std::strerror(errno)));
    }
    epoll_event event{.events = EPOLLOUT, .data = {.ptr = tag}};
    if (epoll_ctl(epoll, EPOLL_CTL_ADD, fd_, &event) != 0) {
      return Fail(absl::StrCat("epoll_ctl: ", std::strerror(errno)));
    }
    return true;
  }

  // The socket is writable: the connect finished; sends the request.
  bool OnWritable(const std::string& request, int epoll, void* tag) {
    int error = 0;
    socklen_t size = sizeof error;
    getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &size);
    if (error != 0) return Fail(absl::StrCat("connect: ", std::strerror(error)));
    // The request is small: it fits an empty socket buffer whole.
    if (send(fd_, request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size())) {
      return Fail(absl::StrCat("send: ", std::strerror(errno)));
    }
    epoll_event event{.events = EPOLLIN, .data = {.ptr = tag}};
    epoll_ctl(epoll, EPOLL_CTL_MOD, fd_, &event);
    return true;
  }

  // The socket is readable: reads once into `buffer` and parses what came.
  // Returns false once the stream is over (after reporting why).
  bool OnReadable(std::vector<char>& buffer) {
    const ssize_t n = read(fd_, buffer.data(), buffer.size());
    if (n == 0) return Fail("the server closed the stream");
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return true;
      return Fail(absl::StrCat("read: ", std::strerror(errno)));
    }
    const int64_t now = MonotonicNs();
    if (!Take(absl::string_view(buffer.data(), n))) return false;
    if (!stamps_.empty()) tally_.Message(now, stamps_, sequences_);
    stamps_.clear();
    sequences_.clear();
    return true;
  }

 private:
  enum class State { kHeaders, kChunkSize, kChunkData, kChunkEnd, kDone };

  bool Fail(const std::string& why) {
    receipts_.Failed(why);
    state_ = State::kDone;
    return false;
  }

  // Parses received bytes: headers, then the chunked body.
  bool Take(absl::string_view bytes) {
    while (!bytes.empty()) {
      switch (state_) {
        case State::kHeaders: {
          pending_.append(bytes.data(), bytes.size());
          bytes = {};
          const size_t end = pending_.find("\r\n\r\n");
          if (end == std::string::npos) {
            if (pending_.size() > 16384) return Fail("response header too large");
            break;
          }
          const std::string head = absl::AsciiStrToLower(pending_.substr(0, end));
          if (!absl::StartsWith(head, "http/1.1 200")) {
            return Fail(
                absl::StrCat("response: ", pending_.substr(0, pending_.find('\r')), " ",
                             pending_.substr(end + 4, 200)));
          }
          if (!absl::StrContains(head, "transfer-encoding: chunked")) {
            return Fail("response body not chunked");
          }
          // Any body bytes that came with the header are parsed below.
          std::string rest = pending_.substr(end + 4);
          pending_.clear();
          state_ = State::kChunkSize;
          if (!rest.empty() && !Take(rest)) return false;
          break;
        }
        case State::kChunkSize: {
          const size_t eol = bytes.find('\n');
          if (eol == absl::string_view::npos) {
            pending_.append(bytes.data(), bytes.size());
            bytes = {};
            break;
          }
          pending_.append(bytes.data(), eol);
          bytes.remove_prefix(eol + 1);
          // "1a2b[;extension]\r"
          absl::string_view line = pending_;
          line = line.substr(0, line.find_first_of(";\r"));
          uint64_t size = 0;
          if (!absl::SimpleHexAtoi(line, &size)) {
            return Fail(absl::StrCat("bad chunk size \"", pending_, "\""));
          }
          pending_.clear();
          if (size == 0) return Fail("the server ended the stream");
          chunk_left_ = size;
          state_ = State::kChunkData;
          break;
        }
        case State::kChunkData: {
          const size_t take = std::min<uint64_t>(chunk_left_, bytes.size());
          TakeText(bytes.substr(0, take));
          bytes.remove_prefix(take);
          chunk_left_ -= take;
          if (chunk_left_ == 0) state_ = State::kChunkEnd;
          break;
        }
        case State::kChunkEnd: {  // The CRLF after a chunk's data.
          const size_t eol = bytes.find('\n');
          if (eol == absl::string_view::npos) {
            bytes = {};
            break;
          }
          bytes.remove_prefix(eol + 1);
          state_ = State::kChunkSize;
          break;
        }
        case State::kDone:
          return false;
      }
    }
    return true;
  }

  // Event-stream text: lines, each ended by '\n' (the server never sends a
  // lone '\r'); a blank line ends an event.
  void TakeText(absl::string_view text) {
    while (!text.empty()) {
      const size_t eol = text.find('\n');
      if (eol == absl::string_view::npos) {
        line_.append(text.data(), text.size());
        return;
      }
      if (line_.empty()) {
        Line(text.substr(0, eol));
      } else {
        line_.append(text.data(), eol);
        Line(line_);
        line_.clear();
      }
      text.remove_prefix(eol + 1);
    }
  }

  void Line(absl::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) return Dispatch();
    if (line.front() == ':') return;  // A comment: the heartbeat.
    if (absl::ConsumePrefix(&line, "id: ")) {
      if (!absl::SimpleAtoi(line, &sequence_)) sequence_ = 0;
    } else if (absl::ConsumePrefix(&line, "event: ")) {
      caught_up_ = line == "caught_up";
    } else if (absl::ConsumePrefix(&line, "data: ")) {
      stamp_ = ReadStamp(line);
    }
  }

  void Dispatch() {
    if (caught_up_ && !subscribed_) {
      subscribed_ = true;
      receipts_.Subscribed();
    }
    if (stamp_ >= 0) {
      stamps_.push_back(stamp_);
      if (sequence_ != 0) sequences_.push_back(sequence_);
    }
    sequence_ = 0;
    stamp_ = -1;
    caught_up_ = false;
  }

  Receipts& receipts_;
  Receipts::Stream& tally_;
  int fd_ = -1;
  State state_ = State::kHeaders;
  std::string pending_;  // Header bytes, or a partial chunk-size line.
  uint64_t chunk_left_ = 0;
  std::string line_;  // A partial event-stream line.
  // The event being read.
  uint64_t sequence_ = 0;
  int64_t stamp_ = -1;
  bool caught_up_ = false;
  bool subscribed_ = false;
  // This read's events.
  std::vector<int64_t> stamps_;
  std::vector<uint64_t> sequences_;
};

int Main(int argc, char** argv) {
  std::string target, query = "view=headline";
  int streams = 1, idle_s = 10, connecting = 256;
  int64_t events = 0;
  bool latency = false;
  BenchFlags flags;
  flags.Text("--target", &target).Number("--streams", &streams).Number("--events", &events)
      .Number("--idle-s", &idle_s).Text("--query", &query).Number("--connecting", &connecting)
      .Switch("--latency", &latency);
  if (!flags.Parse(argc, argv, "fanout_sse_subscriber")) return 2;
  const size_t colon = target.rfind(':');
  sockaddr_in address{};
  address.sin_family = AF_INET;
  int port = 0;
  if (colon == std::string::npos || streams < 1 || connecting < 1 ||
      !absl::SimpleAtoi(absl::string_view(target).substr(colon + 1), &port) ||
      inet_pton(AF_INET, target.substr(0, colon).c_str(), &address.sin_addr) != 1) {
    std::fprintf(stderr,
                 "usage: fanout_sse_subscriber --target IPV4:PORT --streams N "
                 "[--events E] [--latency] [--idle-s S] [--query Q] "
                 "[--connecting C]\n");
    return 2;
  }
  address.sin_port = htons(static_cast<uint16_t>(port));
  const std::string request =
      absl::StrCat("GET /v1/stream?", query, " HTTP/1.1\r\nHost: ", target,
                   "\r\nAccept: text/event-stream\r\n\r\n");

  Receipts receipts(streams, events, latency);
  std::vector<std::unique_ptr<SseStream>> all;
  for (int s = 0; s < streams; ++s) {
    all.push_back(std::make_unique<SseStream>(receipts, receipts.stream(s)));
  }
  const int epoll = epoll_create1(EPOLL_CLOEXEC);
  std::thread poller([&] {
    std::vector<char> buffer(256 << 10);
    std::vector<epoll_event> ready(1024);
    int started = 0, waiting = 0;  // waiting: started, not yet caught up.
    for (;;) {
      while (started < streams && waiting < connecting) {
        if (!all[started]->Connect(address, epoll, all[started].get())) return;
        ++started;
        ++waiting;
      }
      const int n = epoll_wait(epoll, ready.data(), static_cast<int>(ready.size()), 100);
      for (int i = 0; i < n; ++i) {
        auto* stream = static_cast<SseStream*>(ready[i].data.ptr);
        bool ok = true;
        if (ready[i].events & EPOLLOUT) {
          ok = stream->OnWritable(request, epoll, stream);
        } else {
          const bool was = stream->subscribed();
          ok = stream->OnReadable(buffer);
          if (!was && stream->subscribed()) --waiting;
        }
        if (!ok) epoll_ctl(epoll, EPOLL_CTL_DEL, stream->fd(), nullptr);
      }
    }
  });
  receipts.RunThenExit(absl::Seconds(idle_s));
}

}  // namespace
}  // namespace newswire::bench

int main(int argc, char** argv) { return newswire::bench::Main(argc, argv); }
