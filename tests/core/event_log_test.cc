#include "core/base/event_log.h"

#include <iostream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace newswire {
namespace {

const absl::Time kNow = absl::FromUnixMillis(1796534400123);  // 2026-12-06T05:20:00.123Z

TEST(EventLog, TextIsOneLineOfKeyValuePairs) {
  EXPECT_EQ(EventLine(LogFormat::kText, kNow, LogLevel::kInfo, "publish.refused",
                      {{"code", absl::InvalidArgumentError("x")},
                       {"id", "urn:x:1"},
                       {"version", 3},
                       {"took_s", absl::Milliseconds(1500)},
                       {"reason", "headline: required"},
                       {"empty", ""}}),
            "2026-12-06T05:20:00.123Z info publish.refused code=INVALID_ARGUMENT id=urn:x:1 "
            "version=3 took_s=1.500 reason=\"headline: required\" empty=\"\"");
}

TEST(EventLog, JsonIsOneObjectWithNumbersAsNumbers) {
  EXPECT_EQ(EventLine(LogFormat::kJson, kNow, LogLevel::kWarning, "stream.closed",
                      {{"events", uint64_t{42}}, {"peer", "ipv4:127.0.0.1:5000"},
                       {"reason", "said \"no\""}}),
            "{\"time\":\"2026-12-06T05:20:00.123Z\",\"level\":\"warning\",\"event\":"
            "\"stream.closed\",\"events\":42,\"peer\":\"ipv4:127.0.0.1:5000\",\"reason\":"
            "\"said \\\"no\\\"\"}");
}

TEST(EventLog, HostileValuesStayOneLineOfValidText) {
  // A terminal escape, a line break, a C1 control, a byte that is not UTF-8.
  const std::string hostile = "a\x1b[31mb\nc\xc2\x9b" "d\xff" "e\xe2\x80\xa6";
  for (LogFormat format : {LogFormat::kText, LogFormat::kJson}) {
    const std::string line =
        EventLine(format, kNow, LogLevel::kInfo, "publish.refused", {{"id", hostile}});
    EXPECT_EQ(line.find('\n'), std::string::npos) << line;
    EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
    EXPECT_EQ(line.find("\xff"), std::string::npos) << line;
    EXPECT_EQ(line.find("\xc2\x9b"), std::string::npos) << line;
    EXPECT_TRUE(absl::StrContains(line, "\xe2\x80\xa6")) << "UTF-8 is kept: " << line;
  }
  EXPECT_TRUE(absl::StrContains(
      EventLine(LogFormat::kText, kNow, LogLevel::kInfo, "e", {{"id", hostile}}),
      "id=\"a\\\\x1b[31mb\\\\x0ac\\\\u009bd\\\\xffe"));
}

TEST(EventLog, LongValuesAreCut) {
  const std::string line = EventLine(LogFormat::kText, kNow, LogLevel::kInfo, "e",
                                     {{"id", std::string(100000, 'x')}});
  EXPECT_LT(line.size(), kMaxLogValueBytes + 100);
  EXPECT_TRUE(absl::EndsWith(line, "x\xe2\x80\xa6")) << line;
}

TEST(EventLog, LevelsBelowTheMinimumAreNotWritten) {
  std::ostringstream out;
  ConfigureEventLog(out, LogFormat::kJson, LogLevel::kInfo);
  LogEvent(LogLevel::kDebug, "hidden", {});
  LogEvent(LogLevel::kInfo, "shown", {{"n", 1}});
  LogEvent(LogLevel::kError, "also.shown", {});
  EXPECT_FALSE(EventLogEnabled(LogLevel::kDebug));
  EXPECT_TRUE(EventLogEnabled(LogLevel::kWarning));
  ConfigureEventLog(std::cerr, LogFormat::kText, LogLevel::kWarning);
  const std::string written = out.str();
  EXPECT_FALSE(absl::StrContains(written, "hidden")) << written;
  EXPECT_TRUE(absl::StrContains(written, "\"event\":\"shown\",\"n\":1}\n")) << written;
  EXPECT_TRUE(absl::StrContains(written, "\"level\":\"error\",\"event\":\"also.shown\"}\n"))
      << written;
}

TEST(EventLog, LevelAndFormatNamesAreParsedOrRefusedNamingTheChoices) {
  EXPECT_EQ(*ParseLogLevel("debug"), LogLevel::kDebug);
  EXPECT_EQ(*ParseLogLevel("error"), LogLevel::kError);
  EXPECT_EQ(*ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_EQ(ParseLogLevel("loud").status().message(),
            "must be debug, info, warning or error, not \"loud\"");
  EXPECT_EQ(ParseLogFormat("xml").status().message(), "must be text or json, not \"xml\"");
}

}  // namespace
}  // namespace newswire
