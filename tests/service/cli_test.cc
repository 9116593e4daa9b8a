#include "service/cli.h"

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "service/format.h"
#include "service/server.h"
#include "service/version.h"
#include "tests/service/cli_run.h"
#include "tests/service/loopback.h"

namespace newswire {
namespace {

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
  EXPECT_EQ(Cli({"--help"}).out, help.out);
  EXPECT_EQ(Cli({"-h"}).out, help.out);
}

TEST(Cli, HelpAfterACommandPrintsThatCommandsUsage) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"tail", "--help"}, {"tail", "-h"}, {"help", "tail"},
        {"tail", "--from", "earliest", "--help"}, {"tail", "--frm", "-h"}}) {
    CliRun help = Cli(args);
    EXPECT_EQ(help.code, 0) << help.err;
    EXPECT_EQ(help.err, "");
    EXPECT_TRUE(absl::StartsWith(help.out, "usage: newswire tail [CLIENT] [--from")) << help.out;
    EXPECT_TRUE(absl::StrContains(help.out, "\nFILTER: --place P")) << help.out;
    EXPECT_FALSE(absl::StrContains(help.out, "commands:")) << "only tail's usage: " << help.out;
  }
  CliRun parse = Cli({"parse", "--help"});
  EXPECT_EQ(parse.out,
            "usage: newswire parse [--json] FILE\n\n"
            "parse a feed or article offline and print the articles it gives\n");
  CliRun unknown = Cli({"help", "frobnicate"});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_TRUE(absl::StrContains(unknown.err, "unknown command \"frobnicate\"")) << unknown.err;
}

TEST(Cli, VersionPrintsTheVersion) {
  CliRun version = Cli({"--version"});
  EXPECT_EQ(version.code, 0);
  EXPECT_EQ(version.out, absl::StrCat("newswire ", NewswireVersion(), "\n"));
  std::ifstream file(NEWSWIRE_SOURCE_DIR "/VERSION");
  std::string line;
  ASSERT_TRUE(std::getline(file, line));
  EXPECT_EQ(NewswireVersion(), line) << "VERSION is the one source of the version";
}

TEST(Cli, UsageErrorPrintsTheCommandsSynopsisAndWhereToLook) {
  CliRun bad = Cli({"get", "--jsn", "urn:x"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(bad.out, "");
  EXPECT_EQ(bad.err,
            "newswire: get: unknown option --jsn\n"
            "usage: newswire get [CLIENT] [--version N] [--json] ID\n"
            "see newswire get --help\n");
  CliRun tail = Cli({"tail", "--heartbeat", "soon"});
  EXPECT_TRUE(absl::StrContains(tail.err, "\nusage: newswire tail [CLIENT]")) << tail.err;
  EXPECT_TRUE(absl::StrContains(tail.err, "\n                     [FILTER...]")) << tail.err;
  EXPECT_TRUE(absl::EndsWith(tail.err, "see newswire tail --help\n")) << tail.err;
  CliRun unknown = Cli({"frobnicate"});
  EXPECT_TRUE(absl::StrContains(unknown.err, "see newswire --help")) << unknown.err;
}

TEST(Cli, OutOfRangeValuesSayTheRange) {
  CliRun zero = Cli({"tail", "--heartbeat", "0s"});
  EXPECT_EQ(zero.code, 2);
  EXPECT_TRUE(absl::StartsWith(
      zero.err, "newswire: --heartbeat \"0s\" is out of range: 1s to 5m\n"))
      << zero.err;
  CliRun urgency = Cli({"tail", "--min-urgency", "10"});
  EXPECT_EQ(urgency.code, 2);
  EXPECT_TRUE(absl::StrContains(urgency.err, "--min-urgency \"10\" is out of range: 1 to 9"))
      << urgency.err;
  CliRun interval = Cli({"ingest", "--interval", "0s", "dir"});
  EXPECT_EQ(interval.code, 2);
  EXPECT_TRUE(absl::StrContains(interval.err, "--interval \"0s\" is out of range: 1ms or more"))
      << interval.err;
  CliRun limit = Cli({"search", "--limit", "many"});
  EXPECT_EQ(limit.code, 2);
  EXPECT_TRUE(absl::StrContains(limit.err, "--limit must be a whole number, got \"many\""))
      << limit.err;
  // A page is at most 100 hits: more is refused, not cut short unsaid.
  CliRun page = Cli({"search", "--limit", "500", "tram"});
  EXPECT_EQ(page.code, 2);
  EXPECT_TRUE(absl::StrContains(page.err, "--limit \"500\" is out of range: 1 to 100"))
      << page.err;
}

TEST(Cli, SearchHitIsTwoLinesWhateverItsSnippetHolds) {
  v1::SearchHit hit;
  hit.set_score(1.5);
  hit.mutable_article()->set_id("urn:x");
  hit.mutable_article()->set_version(1);
  hit.mutable_article()->set_headline("Grain deal");
  hit.set_snippet("prices.\n\n**Grain**\texports\r\nrose ");
  EXPECT_EQ(FormatSearchHit(hit),
            "  1.50  Grain deal  [urn:x v1]\n"
            "        prices. **Grain** exports rose\n");
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
