#include "service/cli.h"

#include <sstream>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "service/server.h"
#include "tests/service/loopback.h"

namespace newswire {
namespace {

struct CliRun {
  int code;
  std::string out;
  std::string err;
};

CliRun Cli(std::vector<std::string> args) {
  std::ostringstream out, err;
  const int code = RunCli(args, out, err);
  return {code, out.str(), err.str()};
}

const std::string kData = NEWSWIRE_SOURCE_DIR "/tests/data/text/";

TEST(Cli, NoCommandOrUnknownCommandIsAUsageError) {
  CliRun none = Cli({});
  EXPECT_EQ(none.code, 2);
  EXPECT_TRUE(absl::StrContains(none.err, "usage: newswire")) << none.err;
  CliRun unknown = Cli({"frobnicate"});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_TRUE(absl::StrContains(unknown.err, "unknown command \"frobnicate\""));
  CliRun bad_option = Cli({"tail", "--frm", "earliest"});
  EXPECT_EQ(bad_option.code, 2);
  EXPECT_TRUE(absl::StrContains(bad_option.err, "unknown option --frm"));
  CliRun bad_from = Cli({"tail", "--from", "yesterday"});
  EXPECT_EQ(bad_from.code, 2);
  EXPECT_TRUE(absl::StrContains(bad_from.err, "--from must be latest, earliest"));
}

TEST(Cli, HelpListsTheCommands) {
  CliRun help = Cli({"help"});
  EXPECT_EQ(help.code, 0);
  for (const char* verb : {"serve", "publish", "tail", "get", "parse"}) {
    EXPECT_TRUE(absl::StrContains(help.out, verb)) << verb;
  }
}

TEST(Cli, ParsePrintsTheArticleOffline) {
  CliRun text = Cli({"parse", kData + "byline.txt"});
  EXPECT_EQ(text.code, 0) << text.err;
  EXPECT_TRUE(absl::StrContains(text.out, "byline: ")) << text.out;
  CliRun json = Cli({"parse", "--json", kData + "byline.txt"});
  EXPECT_EQ(json.code, 0) << json.err;
  EXPECT_TRUE(absl::StrContains(json.out, "\"headline\":")) << json.out;
  EXPECT_TRUE(absl::StrContains(json.out, "\"word_count\":")) << json.out;
  EXPECT_EQ(json.out.find('\n'), json.out.size() - 1) << "one object, one line";
}

TEST(Cli, ParseErrorsNameTheFile) {
  CliRun missing = Cli({"parse", kData + "no-such-file.txt"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_TRUE(absl::StrContains(missing.err, "no-such-file.txt")) << missing.err;
  CliRun promo = Cli({"parse", kData + "only_promo.txt"});
  EXPECT_EQ(promo.code, 1);
  EXPECT_TRUE(absl::StrContains(promo.err, "only_promo.txt")) << promo.err;
  EXPECT_TRUE(absl::StrContains(promo.err, "INVALID_ARGUMENT")) << promo.err;
}

TEST(Cli, PublishAndGetAgainstAServer) {
  auto server = Server::Start(LoopbackOptions());
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string address = (*server)->address();

  CliRun published = Cli({"publish", "--server", address, kData + "byline.txt",
                       kData + "no_dateline.txt"});
  EXPECT_EQ(published.code, 0) << published.err;
  EXPECT_TRUE(absl::StrContains(published.out, "sequence=1\tduplicate=false"))
      << published.out;
  EXPECT_TRUE(absl::StrContains(published.out, "sequence=2\tduplicate=false"));

  CliRun again = Cli({"publish", "--server", address, kData + "byline.txt"});
  EXPECT_EQ(again.code, 0);
  EXPECT_TRUE(absl::StrContains(again.out, "sequence=1\tduplicate=true")) << again.out;

  const size_t at = published.out.find("id=") + 3;
  const std::string id = published.out.substr(at, published.out.find('\t', at) - at);
  CliRun got = Cli({"get", "--server", address, "--json", id});
  EXPECT_EQ(got.code, 0) << got.err;
  EXPECT_TRUE(absl::StrContains(got.out, "\"id\":\"" + id + "\"")) << got.out;
  EXPECT_TRUE(absl::StrContains(got.out, "\"body_text\":")) << got.out;

  CliRun missing = Cli({"get", "--server", address, "urn:newswire:absent"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_TRUE(absl::StrContains(missing.err, "NOT_FOUND")) << missing.err;
}

TEST(Cli, PublishToNoServerFailsClearly) {
  // Port 1 on loopback: nothing listens there.
  CliRun run = Cli({"publish", "--server", "127.0.0.1:1",
                 NEWSWIRE_SOURCE_DIR "/tests/data/text/byline.txt"});
  EXPECT_EQ(run.code, 1);
  EXPECT_TRUE(absl::StrContains(run.err, "UNAVAILABLE")) << run.err;
}

}  // namespace
}  // namespace newswire
