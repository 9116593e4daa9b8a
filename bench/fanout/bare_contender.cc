#include "bench/fanout/bare_contender.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "bench/fanout/payload.h"
#include "bench/fanout/publisher.h"
#include "core/fanout/event_frame.h"
#include "grpcpp/security/server_credentials.h"

namespace newswire::bench {

void MessageLog::Append(grpc::ByteBuffer message) {
  std::vector<std::weak_ptr<Reader>> wake;
  {
    absl::MutexLock lock(&mu_);
    messages_.push_back(std::move(message));
    wake.swap(waiting_);
  }
  for (const auto& weak : wake) {
    if (auto reader = weak.lock()) reader->OnAppended();
  }
}

size_t MessageLog::size() const {
  absl::MutexLock lock(&mu_);
  return messages_.size();
}

bool MessageLog::Take(size_t index, grpc::ByteBuffer* out, std::weak_ptr<Reader> reader) {
  absl::MutexLock lock(&mu_);
  if (index < messages_.size()) {
    *out = messages_[index];
    return true;
  }
  waiting_.push_back(std::move(reader));
  return false;
}

grpc::ByteBuffer CaughtUpMessage() {
  grpc::Slice slice(std::string(FrameCaughtUp(0)->bytes));
  return grpc::ByteBuffer(&slice, 1);
}

BareFlags ParseBareFlags(int argc, char** argv) {
  BareFlags flags;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--listen") flags.listen = argv[i + 1];
    if (flag == "--cq-threads") flags.cq_threads = std::max(1, std::atoi(argv[i + 1]));
    if (flag == "--wake")
      flags.wake_on_publisher = std::string(argv[i + 1]) == "publisher";
  }
  return flags;
}

std::unique_ptr<grpc::Server> StartBareServer(grpc::ServerBuilder& builder,
                                              const std::string& listen,
                                              const char* program) {
  int port = 0;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::fprintf(stderr, "%s: cannot listen on %s\n", program, listen.c_str());
    return nullptr;
  }
  std::printf("listening %s:%d\n", listen.substr(0, listen.rfind(':')).c_str(), port);
  std::fflush(stdout);
  return server;
}

namespace {

// Appends the command's events to `log` in messages of command.batch events
// on average, each event a copy of `frame` stamped at its send time.
absl::Status PublishFrames(MessageLog& log, const std::string& frame,
                           const PublishCommand& command, PublishTimes& times) {
  const size_t stamp_at = StampOffset(frame);
  const double batch = std::max(1.0, command.batch);
  Pacer pacer(command.rate);
  int64_t sent = 0;
  for (int64_t j = 0; sent < command.count; ++j) {
    const int64_t k = std::clamp<int64_t>(
        static_cast<int64_t>(std::floor((j + 1) * batch) - std::floor(j * batch)), 1,
        command.count - sent);
    const int64_t now = pacer.Wait(sent);
    if (sent == 0) times.first_ns = now;
    grpc_slice slice = grpc_slice_malloc(k * frame.size());
    char* out = reinterpret_cast<char*>(GRPC_SLICE_START_PTR(slice));
    for (int64_t e = 0; e < k; ++e, out += frame.size()) {
      std::memcpy(out, frame.data(), frame.size());
      WriteStampAt(out + stamp_at, now);
    }
    grpc::Slice owned(slice, grpc::Slice::STEAL_REF);
    log.Append(grpc::ByteBuffer(&owned, 1));
    sent += k;
  }
  times.last_ns = MonotonicNs();
  return absl::OkStatus();
}

}  // namespace

int ServePublishing(MessageLog& log) {
  const std::string frame(FrameWriter().Frame(FanoutEvent())->bytes);
  return ServePublishCommands(
      [&log, &frame](const PublishCommand& command, PublishTimes& times) {
        return PublishFrames(log, frame, command, times);
      });
}

}  // namespace newswire::bench
