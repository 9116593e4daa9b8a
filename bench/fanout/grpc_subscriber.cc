// fanout_grpc_subscriber: the subscribers of the gRPC contenders (newswire
// and the bare server): Subscribe streams on the real RPC, START_LATEST,
// view HEADLINE, no filter, in this one client process.
//
//   fanout_grpc_subscriber --target HOST:PORT --streams N [--channels C]
//                          [--events E] [--latency] [--idle-s S]
//                          [--api cq|callback] [--tls-ca FILE] [--key KEY]
//
// --tls-ca connects over TLS, verifying the server with FILE; --key sends an
// API key with every Subscribe call (`authorization: Bearer KEY`).
//
// Streams are spread round-robin over C channels (default: one per
// stream), each channel its own TCP connection. With --api cq (the
// default) one thread drives every stream on a completion queue; with
// --api callback, gRPC's callback API does, on its own threads (how the
// figures before 2026-11-26's "async" rows were taken). Responses are read raw
// (grpc::ByteBuffer) and walked frame by frame without parsing the events,
// so the client does the same small work per event as the nats client:
// find the stamp (and read the sequence, the event's first field, to check
// that nothing is lost or repeated; the bare server sends one sequence for
// every event, so there only newswire's duplicates= figure means anything). Prints what bench/fanout/receipts.h says, E being the
// events each stream expects (0 holds the streams open until stdin closes).
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/fanout/payload.h"
#include "bench/flags.h"
#include "core/fanout/event_frame.h"
#include "bench/fanout/receipts.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/completion_queue.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/client_callback.h"
#include "newswire/v1/feed.pb.h"

namespace newswire::bench {
namespace {

constexpr char kSubscribeMethod[] = "/newswire.v1.NewsFeed/Subscribe";

// The API key every call sends (--key); empty: none.
std::string& ApiKey() {
  static auto* key = new std::string();
  return *key;
}

void AddKey(grpc::ClientContext& context) {
  if (!ApiKey().empty()) context.AddMetadata("authorization", "Bearer " + ApiKey());
}

// The sequence of a serialized FeedEvent: field 1, which a serializer
// writes first (fields go out in number order); 0 when absent (CAUGHT_UP).
uint64_t ReadSequence(absl::string_view event) {
  if (event.empty() || event[0] != 0x08) return 0;
  uint64_t value = 0;
  for (size_t i = 1, shift = 0; i < event.size() && shift < 64; ++i, shift += 7) {
    const auto byte = static_cast<uint8_t>(event[i]);
    value |= uint64_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0) return value;
  }
  return 0;
}

// Tallies one response: the stamps and sequences of its events, found by
// walking its frames without parsing them. Returns false if it cannot be
// read.
bool TallyResponse(grpc::ByteBuffer& response, int64_t now, Receipts::Stream& tally,
                   std::vector<int64_t>& stamps, std::vector<uint64_t>& sequences) {
  grpc::Slice slice;
  if (!response.DumpToSingleSlice(&slice).ok()) return false;
  const bool read = ForEachFramedEvent(
      absl::string_view(reinterpret_cast<const char*>(slice.begin()), slice.size()),
      [&stamps, &sequences](absl::string_view event) {
        const int64_t stamp = ReadStamp(event);
        if (stamp < 0) return;
        stamps.push_back(stamp);
        if (const uint64_t sequence = ReadSequence(event); sequence != 0) {
          sequences.push_back(sequence);
        }
      });
  if (!read) return false;
  tally.Message(now, stamps, sequences);
  stamps.clear();
  sequences.clear();
  return true;
}

// One Subscribe call on the callback API (--api callback). A
// server-streaming method is called through the generic stub's bidi call
// (the request, then half-close), which is the same on the wire and lets
// responses stay raw bytes.
class SubscribeStream final
    : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  SubscribeStream(grpc::GenericStub& stub, const grpc::ByteBuffer& request,
                  Receipts& receipts, Receipts::Stream& tally)
      : receipts_(receipts), tally_(tally), request_(request) {
    AddKey(context_);
    stub.PrepareBidiStreamingCall(&context_, kSubscribeMethod, grpc::StubOptions(), this);
    StartWriteLast(&request_, grpc::WriteOptions());
    StartRead(&response_);
    StartCall();
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // OnDone follows with the status.
    const int64_t now = MonotonicNs();
    if (!subscribed_) {
      subscribed_ = true;  // The first response is CAUGHT_UP.
      receipts_.Subscribed();
    }
    if (!TallyResponse(response_, now, tally_, stamps_, sequences_)) {
      receipts_.Failed("unreadable response");
      return;
    }
    StartRead(&response_);
  }

  void OnDone(const grpc::Status& status) override {
    receipts_.Failed("stream ended: " + status.error_message() + " (code " +
                     std::to_string(status.error_code()) + ")");
  }

 private:
  Receipts& receipts_;
  Receipts::Stream& tally_;
  grpc::ClientContext context_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  bool subscribed_ = false;
  std::vector<int64_t> stamps_;
  std::vector<uint64_t> sequences_;
};

// One Subscribe call on the completion-queue API (the default): the same
// call as SubscribeStream, driven by the one thread that polls `cq` for
// every stream of the process, so a read is never handed from one thread
// to another.
class QueuedStream {
 public:
  enum class Op { kStarted, kWritten, kClosed, kRead };
  // The tag of each operation: the stream and what completed.
  struct Tag {
    QueuedStream* stream;
    Op op;
  };

  QueuedStream(grpc::GenericStub& stub, grpc::CompletionQueue& cq,
               const grpc::ByteBuffer& request, Receipts& receipts, Receipts::Stream& tally)
      : receipts_(receipts), tally_(tally), request_(request) {
    AddKey(context_);
    call_ = stub.PrepareCall(&context_, kSubscribeMethod, &cq);
    call_->StartCall(&started_);
  }

  // One of its operations completed; `ok` as the queue says.
  void Proceed(Op op, bool ok) {
    switch (op) {
      case Op::kStarted:
        if (!ok) return receipts_.Failed("call did not start");
        call_->Write(request_, &written_);
        call_->Read(&response_, &read_);
        break;
      case Op::kWritten:
        if (ok) call_->WritesDone(&closed_);
        break;
      case Op::kClosed:
        break;
      case Op::kRead: {
        if (!ok) return receipts_.Failed("stream ended");
        const int64_t now = MonotonicNs();
        if (!subscribed_) {
          subscribed_ = true;  // The first response is CAUGHT_UP.
          receipts_.Subscribed();
        }
        if (!TallyResponse(response_, now, tally_, stamps_, sequences_)) {
          return receipts_.Failed("unreadable response");
        }
        call_->Read(&response_, &read_);
        break;
      }
    }
  }

 private:
  Receipts& receipts_;
  Receipts::Stream& tally_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  bool subscribed_ = false;
  std::vector<int64_t> stamps_;
  std::vector<uint64_t> sequences_;
  Tag started_{this, Op::kStarted};
  Tag written_{this, Op::kWritten};
  Tag closed_{this, Op::kClosed};
  Tag read_{this, Op::kRead};
};

int Main(int argc, char** argv) {
  std::string target;
  int streams = 1, channels = 0, idle_s = 10;
  int64_t events = 0;
  bool latency = false;
  std::string api = "cq";
  std::string tls_ca;
  std::string key;
  BenchFlags flags;
  flags.Text("--target", &target).Number("--streams", &streams).Number("--channels", &channels)
      .Number("--events", &events).Number("--idle-s", &idle_s).Text("--api", &api)
      .Text("--tls-ca", &tls_ca).Text("--key", &key).Switch("--latency", &latency);
  if (!flags.Parse(argc, argv, "fanout_grpc_subscriber")) return 2;
  ApiKey() = key;
  if (target.empty() || streams < 1 || (api != "cq" && api != "callback")) {
    std::fprintf(stderr, "usage: fanout_grpc_subscriber --target HOST:PORT --streams N "
                         "[--channels C] [--events E] [--latency] [--idle-s S] "
                         "[--api cq|callback]\n");
    return 2;
  }
  if (channels < 1 || channels > streams) channels = streams;

  v1::SubscribeRequest request;
  request.set_start(v1::SubscribeRequest::START_LATEST);
  request.set_view(v1::ARTICLE_VIEW_HEADLINE);
  grpc::Slice request_slice(request.SerializeAsString());
  const grpc::ByteBuffer request_bytes(&request_slice, 1);

  grpc::ChannelArguments args;
  // Without it, channels to one target share one connection.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetMaxReceiveMessageSize(-1);
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (!tls_ca.empty()) {
    std::ifstream in(tls_ca);
    std::stringstream pem;
    pem << in.rdbuf();
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = pem.str();
    credentials = grpc::SslCredentials(ssl);
  }
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs;
  for (int c = 0; c < channels; ++c) {
    stubs.push_back(std::make_unique<grpc::GenericStub>(
        grpc::CreateCustomChannel(target, credentials, args)));
  }
  Receipts receipts(streams, events, latency);
  std::vector<std::unique_ptr<SubscribeStream>> calls;
  std::vector<std::unique_ptr<QueuedStream>> queued;
  grpc::CompletionQueue cq;
  std::thread poller;
  if (api == "callback") {
    for (int s = 0; s < streams; ++s) {
      calls.push_back(std::make_unique<SubscribeStream>(*stubs[s % channels], request_bytes,
                                                        receipts, receipts.stream(s)));
    }
  } else {
    for (int s = 0; s < streams; ++s) {
      queued.push_back(std::make_unique<QueuedStream>(*stubs[s % channels], cq, request_bytes,
                                                      receipts, receipts.stream(s)));
    }
    poller = std::thread([&cq] {
      void* tag = nullptr;
      bool ok = false;
      while (cq.Next(&tag, &ok)) {
        auto* done = static_cast<QueuedStream::Tag*>(tag);
        done->stream->Proceed(done->op, ok);
      }
    });
  }
  receipts.RunThenExit(absl::Seconds(idle_s));
}

}  // namespace
}  // namespace newswire::bench

int main(int argc, char** argv) { return newswire::bench::Main(argc, argv); }
