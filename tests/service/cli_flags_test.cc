#include "service/cli_flags.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace newswire {
namespace {

TEST(ParseDurationFlag, ReadsADurationWithinItsRange) {
  absl::StatusOr<absl::Duration> d =
      ParseDurationFlag("heartbeat", "1m30s", absl::Seconds(1), absl::Minutes(5));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(*d, absl::Seconds(90));
}

TEST(ParseDurationFlag, TellsAWrongKindFromOutOfRange) {
  absl::StatusOr<absl::Duration> soon =
      ParseDurationFlag("heartbeat", "soon", absl::Seconds(1), absl::Minutes(5));
  EXPECT_EQ(soon.status(),
            absl::InvalidArgumentError(
                "--heartbeat must be a duration such as 5s or 1m, got \"soon\""));
  for (const char* outside : {"0s", "999ms", "5m1s", "-1s"}) {
    absl::StatusOr<absl::Duration> d =
        ParseDurationFlag("heartbeat", outside, absl::Seconds(1), absl::Minutes(5));
    EXPECT_EQ(d.status(), absl::InvalidArgumentError(absl::StrCat(
                              "--heartbeat \"", outside, "\" is out of range: 1s to 5m")));
  }
  EXPECT_EQ(ParseDurationFlag("grace", "-1h", absl::ZeroDuration()).status(),
            absl::InvalidArgumentError("--grace \"-1h\" is out of range: 0 or more"));
}

TEST(ParseNumberFlag, TellsAWrongKindFromOutOfRange) {
  EXPECT_EQ(*ParseNumberFlag("min-urgency", "9", 1, 9), 9u);
  EXPECT_EQ(ParseNumberFlag("min-urgency", "0", 1, 9).status(),
            absl::InvalidArgumentError("--min-urgency \"0\" is out of range: 1 to 9"));
  EXPECT_EQ(ParseNumberFlag("limit", "0", 1).status(),
            absl::InvalidArgumentError("--limit \"0\" is out of range: 1 or more"));
  EXPECT_EQ(ParseNumberFlag("limit", "ten", 1).status(),
            absl::InvalidArgumentError("--limit must be a whole number, got \"ten\""));
  EXPECT_EQ(ParseNumberFlag("limit", "-3", 1).status(),
            absl::InvalidArgumentError("--limit must be a whole number, got \"-3\""));
}

TEST(ParseNumberFlag, QuotesOnlyAShortPrefixOfWhatWasGiven) {
  const std::string long_value(1000, '7');
  absl::Status status = ParseNumberFlag("limit", long_value + "x", 1).status();
  EXPECT_LT(status.message().size(), 200u) << status.message();
}

}  // namespace
}  // namespace newswire
