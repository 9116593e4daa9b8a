#include "bench/fanout/payload.h"

#include <time.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace newswire::bench {
namespace {

constexpr absl::string_view kMarker = "@T";
constexpr int kDigits = 19;
constexpr absl::string_view kZeroStamp = "@T0000000000000000000";

}  // namespace

int64_t MonotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

Article FanoutArticle(uint64_t run, uint64_t n) {
  Article a;
  a.set_id(absl::StrCat("urn:bench:fanout:", run, ":", n));
  a.set_version(1);
  a.set_headline(absl::StrCat("Port authority approves harbour dredging ", kZeroStamp));
  a.set_dateline("LISBON, Portugal");
  a.set_summary(
      "The port authority approved the dredging of the outer harbour on "
      "Tuesday, ending months of hearings over the cost of the works.");
  a.set_body_text(a.summary());
  a.set_language("en");
  a.mutable_source()->set_name("AP");
  a.set_urgency(3);
  *a.mutable_first_created() = ToProtoTime(absl::FromUnixSeconds(1764115200));
  v1::Entity* subject = a.add_subjects();
  subject->set_name("economy");
  subject->set_code("medtop:04000000");
  a.add_places()->set_name("Lisbon");
  return a;
}

v1::FeedEvent FanoutEvent() {
  Article article = FanoutArticle(0, 1000000);
  NormalizeArticle(article);
  v1::FeedEvent event;
  event.set_sequence(1000000);
  event.set_kind(v1::EVENT_KIND_PUBLISHED);
  *event.mutable_published_at() = ToProtoTime(absl::FromUnixSeconds(1764115200));
  *event.mutable_article() = HeadlineView(article);
  return event;
}

size_t StampOffset(absl::string_view text) {
  const size_t at = text.find(kMarker);
  if (at == absl::string_view::npos || text.size() - at < kMarker.size() + kDigits) {
    return absl::string_view::npos;
  }
  return at + kMarker.size();
}

void WriteStampAt(char* digits, int64_t ns) {
  for (int i = kDigits - 1; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + ns % 10);
    ns /= 10;
  }
}

bool WriteStamp(std::string& text, int64_t ns) {
  const size_t at = StampOffset(text);
  if (at == std::string::npos) return false;
  WriteStampAt(text.data() + at, ns);
  return true;
}

int64_t ReadStamp(absl::string_view bytes) {
  const size_t at = StampOffset(bytes);
  if (at == absl::string_view::npos) return -1;
  int64_t ns = 0;
  for (int i = 0; i < kDigits; ++i) {
    const char c = bytes[at + i];
    if (c < '0' || c > '9') return -1;
    ns = ns * 10 + (c - '0');
  }
  return ns;
}

}  // namespace newswire::bench
