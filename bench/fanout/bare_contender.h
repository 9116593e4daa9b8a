// What the bare gRPC contenders of the fanout benchmark share
// (fanout_bare, callback API; fanout_bare_async, completion-queue API): the
// log of pre-serialized messages every stream writes, the publisher that
// fills it, and the process around the server.
//
// A publish command (bench/fanout/publisher.h) appends COUNT events
// (FanoutEvent, framed as SubscribeResponse.events, stamped at send time) in
// messages of BATCH events on average: message j holds
// floor((j + 1) * BATCH) - floor(j * BATCH) events, so a fractional BATCH
// (newswire's measured mean) is matched exactly.
#ifndef NEWSWIRE_BENCH_FANOUT_BARE_CONTENDER_H_
#define NEWSWIRE_BENCH_FANOUT_BARE_CONTENDER_H_

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/support/byte_buffer.h"

namespace newswire::bench {

// The messages published so far, shared by every stream (each message's
// bytes are shared, not copied), and the readers waiting for the next one.
// Thread-safe.
class MessageLog {
 public:
  // A stream that may wait for the next message.
  class Reader {
   public:
    virtual ~Reader() = default;
    // Called once, on the publisher's thread, by the first Append after a
    // Take that registered this reader. No lock of the log is held.
    virtual void OnAppended() = 0;
  };

  // Appends `message` and wakes the readers waiting for it.
  void Append(grpc::ByteBuffer message);
  // Number of messages appended so far.
  size_t size() const;
  // Sets `*out` to message `index` (sharing its slices) and returns true;
  // or, when it is not published yet, registers `reader` to be woken by
  // the next Append and returns false.
  bool Take(size_t index, grpc::ByteBuffer* out, std::weak_ptr<Reader> reader);

 private:
  mutable absl::Mutex mu_;
  std::deque<grpc::ByteBuffer> messages_ ABSL_GUARDED_BY(mu_);
  std::vector<std::weak_ptr<Reader>> waiting_ ABSL_GUARDED_BY(mu_);
};

// The first message of every stream: one CAUGHT_UP event.
grpc::ByteBuffer CaughtUpMessage();

// The command line of a bare contender:
//   --listen HOST:PORT   (default 127.0.0.1:0)
// and, fanout_bare_async only (see its header):
//   --cq-threads N       threads polling the completion queue (default 1)
//   --wake alarm|publisher
//                        who starts the write of a new message to a waiting
//                        stream: a queue thread (default) or the publisher
struct BareFlags {
  std::string listen = "127.0.0.1:0";
  int cq_threads = 1;
  bool wake_on_publisher = false;
};
BareFlags ParseBareFlags(int argc, char** argv);

// Listens on `listen` and starts `builder` (the caller has registered its
// service), then prints "listening HOST:PORT" on stdout. Returns null,
// after a message on stderr naming `program`, if it cannot listen.
std::unique_ptr<grpc::Server> StartBareServer(grpc::ServerBuilder& builder,
                                              const std::string& listen,
                                              const char* program);

// Serves the publisher protocol on stdin, appending to `log` as described
// above. Returns the process exit code (see ServePublishCommands).
int ServePublishing(MessageLog& log);

}  // namespace newswire::bench

#endif  // NEWSWIRE_BENCH_FANOUT_BARE_CONTENDER_H_
