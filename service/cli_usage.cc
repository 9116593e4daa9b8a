#include "service/cli_usage.h"

#include <algorithm>
#include <iterator>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace newswire {
namespace {

// One command: its synopsis (the lines after "newswire NAME"; later lines
// keep their indent relative to the first) and what it does.
struct CommandText {
  absl::string_view name;
  absl::string_view synopsis;
  absl::string_view about;
};

constexpr CommandText kCommands[] = {
    {"serve",
     R"([--listen HOST:PORT] [--data DIR | --memory [--keys FILE]] [--load PATH]...
[--retain-days N] [--retain-events N] [--max-archive-mb N]
[--max-subscribers N] [--max-subscribers-per-client N] [--subscriber-queue-mb N]
[--tls-cert FILE --tls-key FILE] [--client-ca FILE]
[--require-client-cert] [--tls-refresh DURATION] [--insecure]
[--http HOST:PORT [--access-log FILE|-] [--websub-min-lease DURATION]
 [--websub-retry DURATION]]
[--log nats://HOST:PORT[,...] [--log-replicas N]]
[--log-format text|json] [--log-level debug|info|warning|error])",
     R"(run a server on the durable archive in DIR (default ./newswire-data),
or on one in memory (nothing on disk); port 0 picks a free port;
--load publishes the articles in PATH (a file or a directory) at
start; --retain-* compact the event log (articles stay searchable;
on a cluster, every replica to the furthest cutoff any asks for);
--max-archive-mb caps the archive, file or memory (publishes past it
fail as on a full disk); --max-subscribers and
--max-subscribers-per-client bound subscriptions (in all, per client
host), --subscriber-queue-mb the bytes queued for a subscriber that
does not keep up (past it, it catches up from the archive instead);
--tls-cert and --tls-key serve TLS (files re-read every --tls-refresh,
default 2s, so a renewed certificate needs no restart); --client-ca
verifies client certificates, which --require-client-cert demands;
--insecure listens beyond loopback without TLS and keys (refused
otherwise); --keys FILE keeps a --memory server's API keys in FILE;
--http also serves HTTP: the wire monitor (/), feeds (/v1/feed.atom,
.rss, .json; filters as query parameters; ETag and If-Modified-Since),
Server-Sent Events (/v1/stream), search (/v1/search), /metrics, with
the same API keys (Bearer, X-API-Key or the Basic password); plain
HTTP, so loopback only (behind a TLS proxy) unless --insecure;
--access-log writes one JSON line per HTTP request; a WebSub hub at
/v1/websub (leases 10 days by default, 30 at most); --websub-min-lease
(default 5m) and --websub-retry (first retry of a failed delivery,
default 30s) are for tests; --log runs as a replica on a NATS
JetStream log (stream NEWSWIRE, --log-replicas copies, default one per
URL up to 3): publishes go to the log, every replica applies it to its
own archive (--data or --memory) and serves the same sequences;
events (start and stop, refused publishes, streams opened and closed,
subscribers that fell behind, retention runs, errors) go to stderr one
line each, as text or JSON (--log-format), from info up (--log-level);
never an article's text or a secret)"},
    {"keys",
     R"(create NAME --scope SCOPES [--sources S,...] [--filter QUERY]
       [--embargo-preview] [--expires DATE] [--publish-rate N]
       [--search-rate N] [--max-streams N] [--certificate]
| list [--json] | revoke ID | rotate ID [--grace DURATION]
[CLIENT | --data DIR | --keys FILE])",
     R"(manage API keys: on a running server (CLIENT, an admin key), or
offline in an archive (--data DIR) or keys file (--keys FILE) no
server is using; SCOPES: publish,subscribe,search,admin; --sources
the sources it may publish as and read; --filter narrows what it
reads (place=..&lang=..&min_urgency=..); --certificate grants a
client certificate whose URI SAN or CN is NAME instead of a secret.
create and rotate print the secret on stdout, once: it is never
shown again (only a keyed hash is stored))"},
    {"audit", "[CLIENT | --data DIR] [--since DATE] [--limit N] [--json]",
     R"(print the audit log (denied calls, publishes, kills, key changes)
from a server (admin key) or an archive)"},
    {"whoami", "[CLIENT] [--json]",
     "print who the server takes you for and what you may do"},
    {"publish", "[CLIENT] FILE...",
     R"(publish articles: feeds (RSS, Atom, JSON Feed, ninjs) or plain-text
articles, format read from the bytes; prints id, version, sequence,
duplicate for each)"},
    {"ingest", "[CLIENT] [--watch] [--interval DURATION] DIR",
     R"(publish each new or changed file in DIR once (recorded in
DIR/.newswire-ingest, so restarts publish nothing twice); files that
are not feeds go to DIR/rejected/ with the reason in NAME.error;
--watch keeps looking every --interval (default 1s) and retries
while the server is down)"},
    {"tail",
     R"([CLIENT] [--from latest|earliest|SEQ] [--since DATE]
[FILTER...] [--min-urgency N] [--query QUERY] [--every-version]
[--heartbeat DURATION] [--full] [--json])",
     R"(follow the feed: one line per event; --from SEQ resumes after SEQ,
--since starts at the first event published at or after DATE; while
catching up only the current version of each article is sent unless
--every-version; --min-urgency 3 admits urgencies 1-3 (N is 1 to 9);
--heartbeat 5s sends a HEARTBEAT (with the head sequence) whenever
idle that long (1s to 5m))"},
    {"get", "[CLIENT] [--version N] [--json] ID",
     "print one article (the current version unless --version)"},
    {"search",
     R"([CLIENT] [--limit N] [--newest] [FILTER...] [--since DATE]
[--until DATE] [--killed] [--page TOKEN] [--json] [QUERY...])",
     R"(search the archive: words, "phrases", OR, prefix*; ranked by relevance
(--newest: newest first); --limit N hits a page (1 to 100, default 20),
--page TOKEN for the next page)"},
    {"parse", "[--json] FILE",
     "parse a feed or article offline and print the articles it gives"},
};

constexpr absl::string_view kClientNote =
    R"(CLIENT: --server HOST:PORT (else $NEWSWIRE_SERVER, else 127.0.0.1:50051),
--key KEY (else $NEWSWIRE_KEY), --tls-ca FILE (verify the server; TLS),
--tls-cert FILE --tls-key FILE (a client certificate), --tls-server-name
NAME (the name the server's certificate holds, when it is not the HOST
you connect to).
)";

constexpr absl::string_view kFilterNote =
    R"(FILTER: --place P, --subject S, --person P, --organisation O, --source S,
--keyword K, --language L (each repeatable: any of the values; different
flags must all match; names or codes, case-blind), --exclude-duplicates
(leave out near-duplicates: copies of a story another feed brought first).
)";

constexpr absl::string_view kDateNote = "DATE is 2024-11-01 or RFC 3339.\n";
constexpr absl::string_view kDurationNote = "DURATION is 500ms, 5s, 1m30s, 2h, ...\n";

// Column where a command's synopsis and text start in the full usage.
constexpr size_t kFullUsageIndent = 10;

const CommandText* Find(absl::string_view name) {
  const auto* it = std::ranges::find(kCommands, name, &CommandText::name);
  return it == std::end(kCommands) ? nullptr : it;
}

// `text` with `indent` spaces before each line but the first.
std::string IndentLater(absl::string_view text, size_t indent) {
  return absl::StrReplaceAll(text, {{"\n", absl::StrCat("\n", std::string(indent, ' '))}});
}

// "usage: newswire NAME SYNOPSIS", later lines under the first.
std::string UsageLines(const CommandText& command) {
  const std::string head = absl::StrCat("usage: newswire ", command.name, " ");
  return absl::StrCat(head, IndentLater(command.synopsis, head.size()), "\n");
}

// The notes on the words `synopsis` uses, a blank line between them (all
// of them for the full usage).
std::string NotesFor(absl::string_view synopsis) {
  std::vector<absl::string_view> notes;
  for (const auto& [word, note] : {std::pair{"CLIENT", kClientNote},
                                   std::pair{"FILTER", kFilterNote},
                                   std::pair{"DATE", kDateNote},
                                   std::pair{"DURATION", kDurationNote}}) {
    if (absl::StrContains(synopsis, word)) notes.push_back(note);
  }
  return absl::StrJoin(notes, "\n");
}

std::string CommandNames() {
  return absl::StrJoin(kCommands, ", ", [](std::string* out, const CommandText& command) {
    absl::StrAppend(out, command.name);
  });
}

}  // namespace

std::string FullUsage() {
  std::string usage =
      "usage: newswire COMMAND [OPTIONS]\n"
      "       newswire COMMAND --help   (that command's usage)\n"
      "       newswire --version\n\ncommands:\n";
  for (const CommandText& command : kCommands) {
    const std::string name = absl::StrCat("  ", command.name);
    absl::StrAppend(&usage, name, std::string(kFullUsageIndent - name.size(), ' '),
                    IndentLater(command.synopsis, kFullUsageIndent), "\n",
                    std::string(kFullUsageIndent, ' '),
                    IndentLater(command.about, kFullUsageIndent), "\n");
  }
  absl::StrAppend(&usage, "\n", NotesFor("CLIENT FILTER DATE DURATION"));
  return usage;
}

std::optional<std::string> CommandUsage(absl::string_view name) {
  const CommandText* command = Find(name);
  if (command == nullptr) return std::nullopt;
  std::string usage = absl::StrCat(UsageLines(*command), "\n", command->about, "\n");
  if (const std::string notes = NotesFor(command->synopsis); !notes.empty()) {
    absl::StrAppend(&usage, "\n", notes);
  }
  return usage;
}

std::string UsageReminder(absl::string_view name) {
  const CommandText* command = Find(name);
  if (command == nullptr) {
    return absl::StrCat("commands: ", CommandNames(), "; see newswire --help\n");
  }
  return absl::StrCat(UsageLines(*command), "see newswire ", name, " --help\n");
}

}  // namespace newswire
