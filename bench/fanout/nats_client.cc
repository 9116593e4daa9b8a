// fanout_nats: the nats contender's clients (libnats), against a
// nats-server the driver starts.
//
//   fanout_nats pub --url URL --subject S
//   fanout_nats sub --url URL --subject S --subs N [--events E] [--latency]
//                   [--idle-s S] [--delivery own|global]
//
// pub connects, prints "connected" and serves the publisher protocol
// (bench/fanout/publisher.h): each event is FanoutEvent serialized, the same
// bytes the gRPC contenders carry (without the 2-byte frame header),
// stamped in place just before natsConnection_Publish; after the last one
// it flushes (waits for the server's PONG), so the server has every event.
// BATCH is ignored: nats has one event per message.
//
// sub opens N connections with one asynchronous subscription each and
// prints what bench/fanout/receipts.h says. Asynchronous, because a
// synchronous subscription needs a thread blocked in NextMsg per
// subscription on top of the connection's reader thread, and callbacks
// are what libnats is tuned for. Pending limits are lifted so the client
// never drops: every event must be delivered. --delivery global (the
// default here: libnats's shared pool of delivery threads) or own (the
// libnats default: a delivery thread per subscription). With 1,000
// subscriptions, global delivered 6-19% more events/s with less client
// CPU in a side-by-side check (1,000 threads fewer to schedule on 2 cores).
#include <nats/nats.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "bench/fanout/payload.h"
#include "bench/fanout/publisher.h"
#include "bench/fanout/receipts.h"

namespace newswire::bench {
namespace {

absl::Status NatsError(natsStatus s, const char* what) {
  return absl::UnavailableError(absl::StrCat(what, ": ", natsStatus_GetText(s)));
}

absl::StatusOr<natsConnection*> Connect(const std::string& url, bool global_delivery) {
  natsOptions* options = nullptr;
  natsStatus s = natsOptions_Create(&options);
  if (s == NATS_OK) s = natsOptions_SetURL(options, url.c_str());
  if (s == NATS_OK) s = natsOptions_UseGlobalMessageDelivery(options, global_delivery);
  natsConnection* connection = nullptr;
  if (s == NATS_OK) s = natsConnection_Connect(&connection, options);
  natsOptions_Destroy(options);
  if (s != NATS_OK) return NatsError(s, "connect");
  return connection;
}

int Publisher(const std::string& url, const std::string& subject) {
  absl::StatusOr<natsConnection*> connection = Connect(url, false);
  if (!connection.ok()) {
    std::fprintf(stderr, "fanout_nats pub: %s\n", connection.status().ToString().c_str());
    return 1;
  }
  std::printf("connected\n");
  std::fflush(stdout);
  std::string payload = FanoutEvent().SerializeAsString();
  const size_t stamp_at = StampOffset(payload);
  return ServePublishCommands([&](const PublishCommand& command, PublishTimes& times) {
    Pacer pacer(command.rate);
    for (int64_t i = 0; i < command.count; ++i) {
      const int64_t now = pacer.Wait(i);
      if (i == 0) times.first_ns = now;
      WriteStampAt(payload.data() + stamp_at, now);
      natsStatus s = natsConnection_Publish(*connection, subject.c_str(), payload.data(),
                                            static_cast<int>(payload.size()));
      if (s != NATS_OK) return NatsError(s, "publish");
    }
    if (natsStatus s = natsConnection_Flush(*connection); s != NATS_OK) {
      return NatsError(s, "flush");
    }
    times.last_ns = MonotonicNs();
    return absl::OkStatus();
  });
}

void OnMessage(natsConnection*, natsSubscription*, natsMsg* message, void* closure) {
  const int64_t now = MonotonicNs();
  const int64_t stamp = ReadStamp(
      {natsMsg_GetData(message), static_cast<size_t>(natsMsg_GetDataLength(message))});
  natsMsg_Destroy(message);
  if (stamp >= 0) static_cast<Receipts::Stream*>(closure)->Message(now, {stamp});
}

int Subscribers(const std::string& url, const std::string& subject, int subs,
                int64_t events, bool latency, int idle_s, bool global_delivery) {
  if (global_delivery) nats_SetMessageDeliveryPoolSize(4);  // Two per core.
  Receipts receipts(subs, events, latency);
  for (int i = 0; i < subs; ++i) {
    absl::StatusOr<natsConnection*> connection = Connect(url, global_delivery);
    natsSubscription* subscription = nullptr;
    natsStatus s = connection.ok() ? NATS_OK : NATS_CONNECTION_CLOSED;
    if (s == NATS_OK) {
      s = natsConnection_Subscribe(&subscription, *connection, subject.c_str(), OnMessage,
                                   &receipts.stream(i));
    }
    if (s == NATS_OK) s = natsSubscription_SetPendingLimits(subscription, -1, -1);
    // The server has the subscription once it answers the flush's PING.
    if (s == NATS_OK) s = natsConnection_Flush(*connection);
    if (s != NATS_OK) {
      std::fprintf(stderr, "fanout_nats sub %d: %s\n", i,
                   connection.ok() ? natsStatus_GetText(s)
                                   : connection.status().ToString().c_str());
      return 1;
    }
    receipts.Subscribed();
  }
  receipts.RunThenExit(absl::Seconds(idle_s));
}

int Main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: fanout_nats pub|sub --url URL --subject S ...\n");
    return 2;
  }
  const std::string role = argv[1];
  std::string url, subject = "newswire.fanout", delivery = "global";
  int subs = 1, idle_s = 10;
  int64_t events = 0;
  bool latency = false;
  for (int i = 2; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--latency") {
      latency = true;
      continue;
    }
    if (i + 1 >= argc) break;
    const char* value = argv[++i];
    bool ok = true;
    if (flag == "--url") url = value;
    else if (flag == "--subject") subject = value;
    else if (flag == "--delivery") delivery = value;
    else if (flag == "--subs") ok = absl::SimpleAtoi(value, &subs);
    else if (flag == "--events") ok = absl::SimpleAtoi(value, &events);
    else if (flag == "--idle-s") ok = absl::SimpleAtoi(value, &idle_s);
    else ok = false;
    if (!ok) {
      std::fprintf(stderr, "fanout_nats: bad flag %s %s\n", flag.c_str(), value);
      return 2;
    }
  }
  if (url.empty() || (delivery != "own" && delivery != "global")) {
    std::fprintf(stderr, "fanout_nats: --url is required; --delivery is own or global\n");
    return 2;
  }
  if (role == "pub") return Publisher(url, subject);
  if (role == "sub") {
    return Subscribers(url, subject, subs, events, latency, idle_s, delivery == "global");
  }
  std::fprintf(stderr, "fanout_nats: role must be pub or sub\n");
  return 2;
}

}  // namespace
}  // namespace newswire::bench

int main(int argc, char** argv) { return newswire::bench::Main(argc, argv); }
