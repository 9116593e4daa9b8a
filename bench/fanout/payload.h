// The event every fanout contender carries, and the clock it is timed with.
//
// One headline-sized article (~300 bytes as a HEADLINE-view FeedEvent) whose
// headline holds a send-time stamp: the marker "@T" followed by 19 decimal
// digits of CLOCK_MONOTONIC nanoseconds. CLOCK_MONOTONIC is one clock for
// every process on the machine, so a subscriber in another process can
// subtract the stamp from its own reading. Stamps are fixed-width, so
// stamping never changes an event's size.
#ifndef NEWSWIRE_BENCH_FANOUT_PAYLOAD_H_
#define NEWSWIRE_BENCH_FANOUT_PAYLOAD_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "core/model/article.h"
#include "newswire/v1/feed.pb.h"

namespace newswire::bench {

// CLOCK_MONOTONIC in nanoseconds.
int64_t MonotonicNs();

// Article `n` of a run, before normalization: unique id (run, n), a
// headline holding a zero stamp, dateline, summary, source, urgency, one
// subject and one place. `run` keeps ids apart between publish commands.
Article FanoutArticle(uint64_t run, uint64_t n);

// The event the bare gRPC server and nats carry: what newswire delivers for
// FanoutArticle in the HEADLINE view (kind PUBLISHED, a sequence in the
// millions, a publish time), with a zero stamp.
v1::FeedEvent FanoutEvent();

// Writes `ns` into the first stamp of `text`. Returns false if it has none.
bool WriteStamp(std::string& text, int64_t ns);

// Offset of the stamp's digits in `text`, or npos. Lets a publisher stamp a
// pre-serialized event in place.
size_t StampOffset(absl::string_view text);

// Writes `ns` as the 19 digits at `digits`.
void WriteStampAt(char* digits, int64_t ns);

// The stamp in `bytes` (an event, serialized or framed), or -1 if none.
int64_t ReadStamp(absl::string_view bytes);

}  // namespace newswire::bench

#endif  // NEWSWIRE_BENCH_FANOUT_PAYLOAD_H_
