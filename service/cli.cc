#include "service/cli.h"

#include <signal.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "absl/cleanup/cleanup.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/fanout/hub.h"
#include "core/base/event_log.h"
#include "core/base/quote_input.h"
#include "core/store/archive_reader.h"
#include "core/search/filter_query.h"
#include "core/publish/drop_folder.h"
#include "core/ingest/file.h"
#include "core/publish/ingest_pass.h"
#include "core/policy/key_store.h"
#include "core/policy/key_table.h"
#include "core/store/sqlite_store.h"
#include "core/store/sqlite_search.h"
#include "service/cli_flags.h"
#include "service/cli_usage.h"
#include "service/client.h"
#include "service/format.h"
#include "service/http_edge.h"
#include "service/server.h"
#include "service/stop_signals.h"
#include "core/model/terminal_text.h"
#include "service/version.h"
#include "service/websub_hub.h"

namespace newswire {
namespace {

constexpr char kDefaultDataDir[] = "newswire-data";
// tail writes at most this many events between flushes.
constexpr size_t kTailBatchEvents = 1024;
// JetStream keeps at most five copies of a stream.
constexpr uint64_t kMaxLogReplicas = 5;
// The shortest wait --interval and the --websub-* flags take.
constexpr absl::Duration kShortestWait = absl::Milliseconds(1);

// Parsed command-line options of one command.
struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> values;
  std::set<std::string> switches;

  std::optional<std::string> Value(const std::string& name) const {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second.back();
  }
  bool Has(const std::string& name) const { return switches.contains(name); }
};

// Parses `args` given the options that take a value and the switches.
absl::StatusOr<Args> ParseArgs(const std::vector<std::string>& args, size_t first,
                               const std::set<std::string>& with_value,
                               const std::set<std::string>& switches) {
  Args parsed;
  for (size_t i = first; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--" ) {
      parsed.positional.insert(parsed.positional.end(), args.begin() + i + 1, args.end());
      break;
    }
    if (!absl::StartsWith(arg, "--")) {
      parsed.positional.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (const size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (switches.contains(name) && !value) {
      parsed.switches.insert(name);
    } else if (with_value.contains(name)) {
      if (!value) {
        if (i + 1 == args.size()) {
          return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value"));
        }
        value = args[++i];
      }
      parsed.values[name].push_back(*value);
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown option --", name));
    }
  }
  return parsed;
}

std::string ServerAddress(const Args& args) {
  if (auto server = args.Value("server")) return *server;
  if (const char* env = std::getenv("NEWSWIRE_SERVER"); env && *env) return env;
  return kDefaultServer;
}

// The flags of every command that talks to a server (CLIENT in kUsage).
constexpr const char* kClientFlags[] = {"server",   "key",     "tls-ca",
                                        "tls-cert", "tls-key", "tls-server-name"};

// A client for the server, key and TLS the CLIENT flags give.
absl::StatusOr<std::unique_ptr<Client>> Connect(const Args& args) {
  ClientOptions options;
  if (auto key = args.Value("key")) {
    options.key = *key;
  } else if (const char* env = std::getenv("NEWSWIRE_KEY"); env && *env) {
    options.key = env;
  }
  options.tls.ca_file = args.Value("tls-ca").value_or("");
  options.tls.cert_file = args.Value("tls-cert").value_or("");
  options.tls.key_file = args.Value("tls-key").value_or("");
  options.tls.server_name = args.Value("tls-server-name").value_or("");
  if (options.tls.cert_file.empty() != options.tls.key_file.empty()) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key go together");
  }
  return Client::Open(ServerAddress(args), options);
}

int Fail(std::ostream& err, const absl::Status& status) {
  err << "newswire: " << TerminalSafe(status.message(), TextLines::kMany) << " ("
      << absl::StatusCodeToString(status.code()) << ")\n";
  return 1;
}

// The exit code of a usage error (README).
constexpr int kUsageError = 2;

// Reports a usage error of the command being run: RunCli follows it with
// that command's usage reminder when the command returns kUsageError.
int Usage(std::ostream& err, absl::string_view problem) {
  err << "newswire: " << problem << "\n";
  return kUsageError;
}

// The FILTER flags of tail and search.
constexpr const char* kFilterFlags[] = {"place",  "subject", "person",  "organisation",
                                        "source", "keyword", "language"};

// Adds the FILTER flags given in `args` to `filter`.
void AddFilterFlags(const Args& args, v1::Filter& filter) {
  for (const auto& [flag, field] :
       {std::pair{"place", filter.mutable_places()},
        std::pair{"subject", filter.mutable_subjects()},
        std::pair{"person", filter.mutable_people()},
        std::pair{"organisation", filter.mutable_organisations()},
        std::pair{"source", filter.mutable_sources()},
        std::pair{"keyword", filter.mutable_keywords()},
        std::pair{"language", filter.mutable_languages()}}) {
    if (auto it = args.values.find(flag); it != args.values.end()) {
      for (const std::string& v : it->second) field->Add(std::string(v));
    }
  }
  filter.set_exclude_duplicates(args.Has("exclude-duplicates"));
}

// Reads flag `name` as a number from `min` to `max` into `value` when given.
absl::Status NumberFlag(const Args& args, const std::string& name, uint64_t& value,
                        uint64_t min = 1,
                        uint64_t max = std::numeric_limits<uint64_t>::max()) {
  auto text = args.Value(name);
  if (!text) return absl::OkStatus();
  absl::StatusOr<uint64_t> number = ParseNumberFlag(name, *text, min, max);
  if (!number.ok()) return number.status();
  value = *number;
  return absl::OkStatus();
}

// Reads flag `name` as a duration from `min` to `max` into `value` when given.
absl::Status DurationFlag(const Args& args, const std::string& name, absl::Duration& value,
                          absl::Duration min, absl::Duration max = absl::InfiniteDuration()) {
  auto text = args.Value(name);
  if (!text) return absl::OkStatus();
  absl::StatusOr<absl::Duration> duration = ParseDurationFlag(name, *text, min, max);
  if (!duration.ok()) return duration.status();
  value = *duration;
  return absl::OkStatus();
}

// Parses "2024-11-01" or an RFC 3339 time.
absl::StatusOr<absl::Time> ParseDate(absl::string_view flag, const std::string& text) {
  absl::Time t;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &error) ||
      absl::ParseTime("%Y-%m-%d", text, &t, &error)) {
    return t;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--", flag, " must be a date like 2024-11-01 or 2024-11-01T09:30:00Z, got \"", text,
      "\""));
}

// What parsing `file` repaired or skipped, one "PATH: note: ..." line each.
void PrintNotes(const ParsedFile& file, std::ostream& err) {
  for (const std::string& note : file.notes) {
    err << file.path << ": note: " << TerminalSafe(note, TextLines::kOne) << "\n";
  }
}

struct PublishTally {
  size_t published = 0;  // Including duplicates.
  size_t failed = 0;     // Files or articles.
};

// Publishes every article under `paths` through `publish`, printing one line
// per article to `out` (when given) and each failure to `err`.
template <typename PublishFn>
PublishTally PublishPaths(const std::vector<std::string>& paths, PublishFn publish,
                          std::ostream* out, std::ostream& err) {
  PublishTally tally;
  for (const std::string& path : paths) {
    absl::StatusOr<std::vector<ParsedFile>> files = ParsePath(path);
    if (!files.ok()) {
      Fail(err, files.status());
      ++tally.failed;
      continue;
    }
    for (const ParsedFile& file : *files) {
      PrintNotes(file, err);
      if (!file.articles.ok()) {
        Fail(err, file.articles.status());
        ++tally.failed;
        continue;
      }
      const size_t items = file.articles->size();
      for (size_t i = 0; i < items; ++i) {
        const Article& article = (*file.articles)[i];
        absl::StatusOr<PublishResult> result = publish(article);
        if (!result.ok()) {
          // In a feed, which item: its position as well as whatever the
          // message says of it.
          const std::string item =
              items > 1 ? absl::StrCat("item ", i + 1, " of ", items, ": ") : "";
          Fail(err, absl::Status(result.status().code(), absl::StrCat(file.path, ": ", item,
                                                                      result.status().message())));
          ++tally.failed;
          continue;
        }
        ++tally.published;
        if (out == nullptr) continue;
        *out << file.path << "\tid=" << result->id << "\tversion=" << result->version
             << "\tsequence=" << result->sequence
             << "\tduplicate=" << (result->duplicate ? "true" : "false");
        if (result->held) {
          *out << "\theld until " << FormatTime(article.embargoed_until());
        }
        *out << std::endl;
      }
    }
  }
  return tally;
}

// The HTTP edge beside `server`, with its keys. It speaks plain HTTP, so
// keys sent to it would cross the network in the clear: it takes loopback
// only (behind a TLS proxy), unless --insecure.
absl::StatusOr<std::unique_ptr<HttpEdge>> StartHttp(absl::string_view listen,
                                                      const ServerOptions& options,
                                                      std::ostream* access_log,
                                                      const WebSubOptions& websub,
                                                      Server& server) {
  if (!IsLoopbackAddress(listen) && !options.insecure) {
    return absl::FailedPreconditionError(absl::StrCat(
        "--http ", listen, " is reachable from other machines, and the HTTP edge has no "
        "TLS (API keys and feeds would cross the network in the clear): listen on "
        "127.0.0.1 behind a TLS proxy, or pass --insecure"));
  }
  HttpEdgeOptions http_options;
  http_options.listen = std::string(listen);
  http_options.access_log = access_log;
  http_options.data_dir = options.data_dir;
  http_options.websub = websub;
  http_options.log = options.log;
  return HttpEdge::Start(http_options, server);
}

int Serve(const Args& args, std::ostream& out, std::ostream& err) {
  // Before gRPC starts its threads, so that they inherit the mask.
  StopSignals stop_signals;

  ServerOptions options;
  if (auto listen = args.Value("listen")) options.listen = *listen;
  if (args.Has("memory") && args.Value("data")) {
    return Usage(err, "serve: --data and --memory exclude each other");
  }
  if (!args.Has("memory")) options.data_dir = args.Value("data").value_or(kDefaultDataDir);
  if (auto days = args.Value("retain-days")) {
    double n = 0;
    if (!absl::SimpleAtod(*days, &n) || n <= 0) {
      return Usage(err, absl::StrCat("--retain-days must be a positive number, got \"", *days,
                                     "\""));
    }
    options.retention.max_age = absl::Hours(24 * n);
  }
  uint64_t archive_mb = 0, queue_mb = 0;
  uint64_t max_subscribers = options.subscriptions.max_subscriptions;
  uint64_t per_client = options.subscriptions.max_subscriptions_per_client;
  for (const auto& [flag, value] :
       {std::pair{"max-archive-mb", &archive_mb},
        std::pair{"retain-events", &options.retention.max_events},
        std::pair{"subscriber-queue-mb", &queue_mb},
        std::pair{"max-subscribers", &max_subscribers},
        std::pair{"max-subscribers-per-client", &per_client}}) {
    if (absl::Status s = NumberFlag(args, flag, *value); !s.ok()) return Usage(err, s.message());
  }
  options.tls.cert_file = args.Value("tls-cert").value_or("");
  options.tls.key_file = args.Value("tls-key").value_or("");
  options.tls.client_ca_file = args.Value("client-ca").value_or("");
  options.tls.require_client_cert = args.Has("require-client-cert");
  if (absl::Status s = DurationFlag(args, "tls-refresh", options.tls.refresh, absl::Seconds(1));
      !s.ok()) {
    return Usage(err, s.message());
  }
  options.insecure = args.Has("insecure");
  if (auto keys = args.Value("keys")) {
    if (!args.Has("memory")) return Usage(err, "serve: --keys is for --memory (an archive keeps its keys)");
    options.keys_file = *keys;
  }
  if (auto log = args.Value("log")) {
    options.log.servers = absl::StrSplit(*log, ',', absl::SkipEmpty());
    for (const std::string& url : options.log.servers) {
      if (!absl::StartsWith(url, "nats://")) {
        return Usage(err, absl::StrCat("--log takes nats://HOST:PORT URLs, got \"", url, "\""));
      }
    }
    // One copy per server listed, up to JetStream's usual three.
    options.log.replicas = static_cast<int>(std::min<size_t>(options.log.servers.size(), 3));
    uint64_t replicas = 0;
    if (absl::Status s = NumberFlag(args, "log-replicas", replicas, 1, kMaxLogReplicas);
        !s.ok()) {
      return Usage(err, s.message());
    }
    if (replicas > 0) options.log.replicas = static_cast<int>(replicas);
  } else if (args.Value("log-replicas")) {
    return Usage(err, "serve: --log-replicas is for --log");
  }
  options.archive.max_archive_bytes = archive_mb << 20;
  if (queue_mb != 0) options.subscriptions.max_queue_bytes = queue_mb << 20;
  options.subscriptions.max_subscriptions = max_subscribers;
  options.subscriptions.max_subscriptions_per_client = per_client;
  WebSubOptions websub;
  for (const auto& [flag, value] : {std::pair{"websub-min-lease", &websub.min_lease},
                                    std::pair{"websub-retry", &websub.retry_delay}}) {
    if (absl::Status s = DurationFlag(args, flag, *value, kShortestWait); !s.ok()) {
      return Usage(err, s.message());
    }
  }
  absl::StatusOr<LogFormat> log_format = ParseLogFormat(args.Value("log-format").value_or("text"));
  if (!log_format.ok()) return Usage(err, absl::StrCat("--log-format ", log_format.status().message()));
  absl::StatusOr<LogLevel> log_level = ParseLogLevel(args.Value("log-level").value_or("info"));
  if (!log_level.ok()) return Usage(err, absl::StrCat("--log-level ", log_level.status().message()));
  // Events go to `err` while the server runs, then back to the default.
  ConfigureEventLog(err, *log_format, *log_level);
  absl::Cleanup default_log = [] {
    ConfigureEventLog(std::cerr, LogFormat::kText, LogLevel::kWarning);
  };
  const absl::Time started = absl::Now();
  absl::StatusOr<std::unique_ptr<Server>> server = Server::Start(options);
  if (!server.ok()) {
    LogEvent(LogLevel::kError, "server.failed", {{"code", server.status()},
                                                 {"reason", server.status().message()}});
    return Fail(err, server.status());
  }

  auto it = args.values.find("load");
  if (it != args.values.end()) {
    Wire& wire = (*server)->wire();
    const PublishTally tally = PublishPaths(
        it->second, [&wire](const Article& a) { return wire.Publish(a); }, nullptr,
        err);
    out << "loaded " << tally.published << " articles from "
        << absl::StrJoin(it->second, ", ");
    if (tally.failed > 0) out << " (" << tally.failed << " failed, see above)";
    out << "\n";
  }
  if (!options.log.servers.empty()) {
    out << "log: NATS JetStream " << absl::StrJoin(options.log.servers, ",") << " (stream "
        << options.log.stream << ", " << options.log.replicas
        << (options.log.replicas == 1 ? " copy" : " copies") << "); this replica's archive: "
        << (options.data_dir.empty() ? "in memory" : options.data_dir) << "\n";
  } else if (options.data_dir.empty()) {
    out << "store: in memory (nothing survives a restart)\n";
  } else {
    out << "archive: " << options.data_dir << " (sequences "
        << (*server)->store().OldestSequence() << ".." << (*server)->store().HeadSequence()
        << ")\n";
  }
  out << (options.tls.enabled() ? "TLS" : "plaintext") << "; "
      << ((*server)->keys().enforcing() ? "API keys required"
                                        : "no API keys yet: every caller may do "
                                          "everything (newswire keys create to "
                                          "require them)")
      << "\n";
  std::unique_ptr<HttpEdge> http;
  std::ofstream access_log_file;
  std::ostream* access_log = nullptr;
  if (auto path = args.Value("access-log")) {
    if (*path == "-") {
      access_log = &out;
    } else {
      access_log_file.open(*path, std::ios::app);
      if (!access_log_file) {
        return Fail(err, absl::InvalidArgumentError(absl::StrCat(
                             "--access-log ", *path, ": cannot open for appending: ",
                             std::strerror(errno))));
      }
      access_log = &access_log_file;
    }
  }
  if (auto listen = args.Value("http")) {
    absl::StatusOr<std::unique_ptr<HttpEdge>> started =
        StartHttp(*listen, options, access_log, websub, **server);
    if (started.ok()) {
      http = *std::move(started);
      out << "HTTP feeds: http://" << http->address() << "/v1/feed.atom (.rss, .json, .ninjs)\n"
          << "wire monitor: http://" << http->address() << "/ (live over /v1/stream)\n";
    } else {
      return Fail(err, started.status());
    }
  }
  LogEvent(LogLevel::kInfo, "server.started",
           {{"version", NewswireVersion()},
            {"address", (*server)->address()},
            {"store", !options.log.servers.empty() ? "jetstream"
                      : options.data_dir.empty()   ? "memory"
                                                   : "sqlite"},
            {"tls", options.tls.enabled() ? "on" : "off"},
            {"keys", (*server)->keys().enforcing() ? "required" : "open"},
            {"http", http != nullptr ? http->address() : "off"}});
  out << "listening on " << (*server)->address() << std::endl;
  out << "watch the stream: newswire tail --server " << (*server)->address()
      << " --from earliest" << std::endl;

  const int signal = stop_signals.Wait();
  out << "newswire: " << StopSignalName(signal) << ", shutting down" << std::endl;
  LogEvent(LogLevel::kInfo, "server.stopping", {{"signal", StopSignalName(signal)}});
  // The server first: closing its hub ends every event stream with a
  // proper end of body, before the HTTP edge closes the connections.
  (*server)->Shutdown();
  if (http != nullptr) http->Shutdown();
  LogEvent(LogLevel::kInfo, "server.stopped", {{"uptime_s", absl::Now() - started}});
  return 0;
}

int Publish(const Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional.empty()) return Usage(err, "publish needs at least one FILE");
  absl::StatusOr<std::unique_ptr<Client>> client = Connect(args);
  if (!client.ok()) return Fail(err, client.status());
  const PublishTally tally = PublishPaths(
      args.positional, [&client](const Article& a) { return (*client)->Publish(a); },
      &out, err);
  return tally.failed == 0 ? 0 : 1;
}

int Ingest(const Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional.size() != 1) return Usage(err, "ingest needs one DIR");
  absl::Duration interval = absl::Seconds(1);
  if (absl::Status s = DurationFlag(args, "interval", interval, kShortestWait); !s.ok()) {
    return Usage(err, s.message());
  }
  absl::StatusOr<DropFolder> folder = DropFolder::Open(args.positional[0]);
  if (!folder.ok()) return Fail(err, folder.status());
  const bool watch = args.Has("watch");
  const std::string server = ServerAddress(args);
  absl::StatusOr<std::unique_ptr<Client>> client = Connect(args);
  if (!client.ok()) return Fail(err, client.status());
  absl::Duration retry = interval;
  while (true) {
    absl::StatusOr<IngestTally> tally = IngestPass(
        *folder, /*settled=*/watch,
        [&client](const Article& a) { return (*client)->Publish(a); }, out, err);
    if (!tally.ok()) return Fail(err, tally.status());
    out.flush();
    if (tally->unavailable && !watch) {
      err << "newswire: server " << server
          << " unavailable; nothing is lost: run again to publish the rest\n";
      return 1;
    }
    if (!watch) return tally->rejected == 0 ? 0 : 1;
    if (tally->unavailable) {
      err << "newswire: retrying in " << absl::FormatDuration(retry) << "\n";
      absl::SleepFor(retry);
      retry = std::min(retry * 2, absl::Seconds(30));
      continue;
    }
    retry = interval;
    absl::SleepFor(interval);
  }
}

int Tail(const Args& args, std::ostream& out, std::ostream& err) {
  v1::SubscribeRequest request;
  const std::string from = args.Value("from").value_or("latest");
  uint64_t after = 0;
  if (from == "latest") {
    request.set_start(v1::SubscribeRequest::START_LATEST);
  } else if (from == "earliest") {
    request.set_start(v1::SubscribeRequest::START_EARLIEST);
  } else if (absl::SimpleAtoi(from, &after)) {
    request.set_start(v1::SubscribeRequest::START_AFTER_SEQUENCE);
    request.set_after_sequence(after);
  } else {
    return Usage(err, absl::StrCat("--from must be latest, earliest or a sequence "
                                   "number, got \"", from, "\""));
  }
  if (auto since = args.Value("since")) {
    if (args.Value("from")) return Usage(err, "tail: --from and --since exclude each other");
    absl::StatusOr<absl::Time> t = ParseDate("since", *since);
    if (!t.ok()) return Usage(err, t.status().message());
    request.set_start(v1::SubscribeRequest::START_SINCE);
    *request.mutable_since() = ToProtoTime(*t);
  }
  AddFilterFlags(args, *request.mutable_filter());
  if (auto query = args.Value("query")) request.mutable_filter()->set_query(*query);
  uint64_t urgency = 0;
  if (absl::Status s = NumberFlag(args, "min-urgency", urgency, 1, kMaxUrgency); !s.ok()) {
    return Usage(err, s.message());
  }
  request.mutable_filter()->set_min_urgency(
      static_cast<uint32_t>(std::min<uint64_t>(urgency, std::numeric_limits<uint32_t>::max())));
  if (args.Value("heartbeat")) {
    absl::Duration d;
    if (absl::Status s = DurationFlag(args, "heartbeat", d, kMinHeartbeat, kMaxHeartbeat);
        !s.ok()) {
      return Usage(err, s.message());
    }
    request.mutable_heartbeat_interval()->set_seconds(absl::ToInt64Seconds(d));
    request.mutable_heartbeat_interval()->set_nanos(
        static_cast<int32_t>(absl::ToInt64Nanoseconds(d % absl::Seconds(1))));
  }
  request.set_every_version(args.Has("every-version"));
  const bool full = args.Has("full");
  const bool json = args.Has("json");
  request.set_view(full ? v1::ARTICLE_VIEW_FULL : v1::ARTICLE_VIEW_HEADLINE);

  // Before gRPC starts its threads, so that they inherit the mask: a stop
  // signal ends the stream, and what was received is written out first.
  StopSignals stop_signals;
  absl::StatusOr<std::unique_ptr<Client>> client = Connect(args);
  if (!client.ok()) return Fail(err, client.status());
  std::unique_ptr<EventStream> stream = (*client)->Subscribe(request);
  stop_signals.Watch([&stream](int) { stream->Cancel(); });
  while (true) {
    // Every event already here, written and flushed together: a reader of
    // the output (a file, a pipe) sees each batch as soon as it arrived.
    absl::StatusOr<std::vector<v1::FeedEvent>> batch =
        stream->NextBatch(absl::Hours(1), kTailBatchEvents);
    if (!batch.ok()) {
      out.flush();
      if (const int signal = stop_signals.received(); signal != 0) {
        err << "newswire: " << StopSignalName(signal) << ", tail stopped" << std::endl;
        return 128 + signal;
      }
      return Fail(err, batch.status());
    }
    for (const v1::FeedEvent& e : *batch) {
      if (json) {
        out << ToJsonLine(e) << "\n";
      } else {
        out << FormatEventLine(e) << "\n";
        if (full && e.has_article()) out << FormatArticle(e.article()) << "\n";
      }
    }
    out.flush();
  }
}

int Get(const Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional.size() != 1) return Usage(err, "get needs one ID");
  uint64_t version = 0;
  if (absl::Status s =
          NumberFlag(args, "version", version, 1, std::numeric_limits<uint32_t>::max());
      !s.ok()) {
    return Usage(err, s.message());
  }
  absl::StatusOr<std::unique_ptr<Client>> client = Connect(args);
  if (!client.ok()) return Fail(err, client.status());
  absl::StatusOr<v1::GetArticleResponse> got = (*client)->Get(args.positional[0], static_cast<uint32_t>(version));
  if (!got.ok()) return Fail(err, got.status());
  out << (args.Has("json") ? ToJsonLine(got->article()) + "\n"
                           : FormatArticle(got->article()));
  return 0;
}

int Search(const Args& args, std::ostream& out, std::ostream& err) {
  v1::SearchArticlesRequest request;
  request.set_query(absl::StrJoin(args.positional, " "));
  uint64_t limit = 0;
  // A page holds at most kMaxSearchPageSize hits (the server would cut a
  // larger one short): said here, as the HTTP edge says it.
  if (absl::Status s = NumberFlag(args, "limit", limit, 1, kMaxSearchPageSize); !s.ok()) {
    return Usage(err, s.message());
  }
  request.set_page_size(static_cast<uint32_t>(limit));
  if (args.Has("newest")) request.set_order(v1::SearchArticlesRequest::ORDER_NEWEST);
  if (args.Has("killed")) request.add_pub_statuses(v1::PUB_STATUS_CANCELED);
  if (auto page = args.Value("page")) request.set_page_token(*page);
  AddFilterFlags(args, *request.mutable_filter());
  // mutable_since() would set the field: touch each only when given.
  for (const char* flag : {"since", "until"}) {
    if (auto text = args.Value(flag)) {
      absl::StatusOr<absl::Time> t = ParseDate(flag, *text);
      if (!t.ok()) return Usage(err, t.status().message());
      *(flag == std::string("since") ? request.mutable_since() : request.mutable_until()) =
          ToProtoTime(*t);
    }
  }

  absl::StatusOr<std::unique_ptr<Client>> client = Connect(args);
  if (!client.ok()) return Fail(err, client.status());
  absl::StatusOr<v1::SearchArticlesResponse> response = (*client)->Search(request);
  if (!response.ok()) return Fail(err, response.status());
  if (args.Has("json")) {
    out << ToJsonLine(*response) << "\n";
    return 0;
  }
  for (const v1::SearchHit& hit : response->hits()) out << FormatSearchHit(hit);
  if (response->hits().empty()) out << "no matches\n";
  if (!response->next_page_token().empty()) {
    out << "more: add --page " << response->next_page_token() << "\n";
  }
  return 0;
}

int Parse(const Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional.size() != 1) return Usage(err, "parse needs one FILE");
  absl::StatusOr<std::vector<ParsedFile>> files = ParsePath(args.positional[0]);
  if (!files.ok()) return Fail(err, files.status());
  int code = 0;
  for (const ParsedFile& file : *files) {
    PrintNotes(file, err);
    if (!file.articles.ok()) {
      code = Fail(err, file.articles.status());
      continue;
    }
    for (const Article& article : *file.articles) {
      out << (args.Has("json") ? ToJsonLine(article) + "\n" : FormatArticle(article));
    }
  }
  return code;
}

// Keys managed without a server: in an archive no server is using (its
// lock held while the command runs), or in a keys file.
struct OfflineKeys {
  std::unique_ptr<SqliteStore> archive;
  std::unique_ptr<KeyTable> table;
};
absl::StatusOr<OfflineKeys> OpenOfflineKeys(const Args& args) {
  OfflineKeys keys;
  std::unique_ptr<KeyStore> store;
  if (auto file = args.Value("keys")) {
    store = OpenKeyFile(*file);
  } else {
    const std::string dir = *args.Value("data");
    absl::StatusOr<std::unique_ptr<SqliteStore>> archive = SqliteStore::Open(dir);
    if (!archive.ok()) {
      if (absl::IsFailedPrecondition(archive.status())) {
        return absl::FailedPreconditionError(
            absl::StrCat(archive.status().message(),
                         " (manage the keys of a running server through it: --server "
                         "with an admin key)"));
      }
      return archive.status();
    }
    absl::StatusOr<std::unique_ptr<KeyStore>> in_archive =
        OpenArchiveKeyStore((*archive)->path(), absl::StrCat(dir, "/", kPepperFileName));
    if (!in_archive.ok()) return in_archive.status();
    store = *std::move(in_archive);
    keys.archive = *std::move(archive);
  }
  absl::StatusOr<std::unique_ptr<KeyTable>> table = KeyTable::Open(std::move(store));
  if (!table.ok()) return table.status();
  keys.table = *std::move(table);
  return keys;
}

// Reads the flags of `keys create` into a request.
absl::StatusOr<v1::CreateKeyRequest> CreateKeyRequest(const Args& args) {
  if (args.positional.size() != 2) {
    return absl::InvalidArgumentError("keys create needs one NAME");
  }
  v1::CreateKeyRequest request;
  request.set_name(args.positional[1]);
  v1::Entitlements& entitlements = *request.mutable_entitlements();
  auto scopes = args.Value("scope");
  if (!scopes) return absl::InvalidArgumentError("keys create needs --scope (publish,subscribe,search,admin)");
  for (absl::string_view name : absl::StrSplit(*scopes, ',', absl::SkipEmpty())) {
    v1::Scope scope;
    if (!v1::Scope_Parse(absl::StrCat("SCOPE_", absl::AsciiStrToUpper(name)), &scope) ||
        scope == v1::SCOPE_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--scope: \"", name, "\" is not one of publish, subscribe, search, admin"));
    }
    entitlements.add_scopes(scope);
  }
  if (auto sources = args.Value("sources")) {
    for (absl::string_view source : absl::StrSplit(*sources, ',', absl::SkipEmpty())) {
      entitlements.add_sources(std::string(absl::StripAsciiWhitespace(source)));
    }
  }
  if (auto filter = args.Value("filter")) {
    absl::StatusOr<v1::Filter> parsed = ParseFilterQuery(*filter);
    if (!parsed.ok()) return absl::InvalidArgumentError(absl::StrCat("--filter: ", parsed.status().message()));
    *entitlements.mutable_filter() = *std::move(parsed);
  }
  entitlements.set_embargo_preview(args.Has("embargo-preview"));
  request.set_certificate(args.Has("certificate"));
  if (auto expires = args.Value("expires")) {
    absl::StatusOr<absl::Time> t = ParseDate("expires", *expires);
    if (!t.ok()) return t.status();
    *request.mutable_expires() = ToProtoTime(*t);
  }
  v1::KeyLimits& limits = *request.mutable_limits();
  for (const auto& [flag, set] :
       {std::pair<const char*, void (v1::KeyLimits::*)(double)>{"publish-rate",
                                                                 &v1::KeyLimits::set_publish_per_second},
        std::pair<const char*, void (v1::KeyLimits::*)(double)>{"search-rate",
                                                                 &v1::KeyLimits::set_search_per_second}}) {
    if (auto text = args.Value(flag)) {
      double rate = 0;
      if (!absl::SimpleAtod(*text, &rate) || !(rate > 0)) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", flag, " must be a positive number per second, got \"", *text, "\""));
      }
      (limits.*set)(rate);
    }
  }
  uint64_t streams = 0;
  if (absl::Status s =
          NumberFlag(args, "max-streams", streams, 1, std::numeric_limits<uint32_t>::max());
      !s.ok()) {
    return s;
  }
  limits.set_max_streams(static_cast<uint32_t>(streams));
  return request;
}

// What `keys create` and `keys rotate` print: the secret alone on stdout
// (so `export NEWSWIRE_KEY=$(newswire keys create ...)` works), the key on
// stderr.
int PrintCreated(const v1::CreateKeyResponse& created, std::ostream& out, std::ostream& err) {
  err << "key " << FormatKeyLine(created.key(), absl::Now()) << "\n";
  if (created.secret().empty()) {
    err << "a certificate grant: clients whose verified certificate names \""
        << created.key().name() << "\" are this key\n";
    return 0;
  }
  err << "the secret follows, shown this once (only a keyed hash of it is stored):\n";
  out << created.secret() << std::endl;
  return 0;
}

int Keys(const Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional.empty()) return Usage(err, "keys needs create, list, revoke or rotate");
  const std::string& verb = args.positional[0];
  if (verb != "create" && verb != "list" && verb != "revoke" && verb != "rotate") {
    return Usage(err, absl::StrCat("keys: unknown verb \"", verb, "\""));
  }
  if ((verb == "revoke" || verb == "rotate") && args.positional.size() != 2) {
    return Usage(err, absl::StrCat("keys ", verb, " needs one ID"));
  }
  if (args.Value("data") && args.Value("keys")) {
    return Usage(err, "keys: --data and --keys exclude each other");
  }
  v1::CreateKeyRequest create;
  if (verb == "create") {
    absl::StatusOr<v1::CreateKeyRequest> request = CreateKeyRequest(args);
    if (!request.ok()) return Usage(err, request.status().message());
    create = *std::move(request);
  }
  absl::Duration grace = kDefaultRotationGrace;
  if (absl::Status s = DurationFlag(args, "grace", grace, absl::ZeroDuration()); !s.ok()) {
    return Usage(err, s.message());
  }
  const absl::Time now = absl::Now();

  if (args.Value("data") || args.Value("keys")) {
    absl::StatusOr<OfflineKeys> keys = OpenOfflineKeys(args);
    if (!keys.ok()) return Fail(err, keys.status());
    KeyTable& table = *keys->table;
    if (verb == "create") {
      absl::StatusOr<v1::CreateKeyResponse> created = table.Create(create, now);
      if (!created.ok()) return Fail(err, created.status());
      return PrintCreated(*created, out, err);
    }
    if (verb == "rotate") {
      absl::StatusOr<v1::CreateKeyResponse> created =
          table.Rotate(args.positional[1], grace, now);
      if (!created.ok()) return Fail(err, created.status());
      return PrintCreated(*created, out, err);
    }
    if (verb == "revoke") {
      absl::StatusOr<v1::ApiKey> revoked = table.Revoke(args.positional[1], now);
      if (!revoked.ok()) return Fail(err, revoked.status());
      out << FormatKeyLine(*revoked, now) << "\n";
      return 0;
    }
    for (const v1::ApiKey& key : table.List()) {
      out << (args.Has("json") ? ToJsonLine(key) : FormatKeyLine(key, now)) << "\n";
    }
    return 0;
  }

  absl::StatusOr<std::unique_ptr<Client>> client = Connect(args);
  if (!client.ok()) return Fail(err, client.status());
  if (verb == "create") {
    absl::StatusOr<v1::CreateKeyResponse> created = (*client)->CreateKey(create);
    if (!created.ok()) return Fail(err, created.status());
    return PrintCreated(*created, out, err);
  }
  if (verb == "rotate") {
    v1::RotateKeyRequest request;
    request.set_id(args.positional[1]);
    request.mutable_grace()->set_seconds(absl::ToInt64Seconds(grace));
    absl::StatusOr<v1::CreateKeyResponse> created = (*client)->RotateKey(request);
    if (!created.ok()) return Fail(err, created.status());
    return PrintCreated(*created, out, err);
  }
  if (verb == "revoke") {
    absl::StatusOr<v1::RevokeKeyResponse> revoked = (*client)->RevokeKey(args.positional[1]);
    if (!revoked.ok()) return Fail(err, revoked.status());
    out << FormatKeyLine(revoked->key(), now) << "\n";
    return 0;
  }
  absl::StatusOr<v1::ListKeysResponse> listed = (*client)->ListKeys();
  if (!listed.ok()) return Fail(err, listed.status());
  for (const v1::ApiKey& key : listed->keys()) {
    out << (args.Has("json") ? ToJsonLine(key) : FormatKeyLine(key, now)) << "\n";
  }
  return 0;
}

int Audit(const Args& args, std::ostream& out, std::ostream& err) {
  absl::Time since = absl::InfinitePast();
  if (auto text = args.Value("since")) {
    absl::StatusOr<absl::Time> t = ParseDate("since", *text);
    if (!t.ok()) return Usage(err, t.status().message());
    since = *t;
  }
  uint64_t limit = 1000;
  if (absl::Status s = NumberFlag(args, "limit", limit); !s.ok()) return Usage(err, s.message());
  // Pages of at most kMaxAuditRead, until `limit` entries or the end.
  std::optional<std::unique_ptr<ArchiveReader>> archive;
  std::unique_ptr<Client> client;
  if (auto dir = args.Value("data")) {
    absl::StatusOr<std::unique_ptr<ArchiveReader>> opened = ArchiveReader::Open(*dir);
    if (!opened.ok()) return Fail(err, opened.status());
    archive = *std::move(opened);
  } else {
    absl::StatusOr<std::unique_ptr<Client>> connected = Connect(args);
    if (!connected.ok()) return Fail(err, connected.status());
    client = *std::move(connected);
  }
  uint64_t after = 0, printed = 0;
  while (printed < limit) {
    const size_t page = std::min<uint64_t>(limit - printed, kMaxAuditRead);
    absl::StatusOr<std::vector<v1::AuditEntry>> entries;
    if (archive.has_value()) {
      entries = (*archive)->ReadAudit(since, after, page);
    } else {
      v1::ReadAuditRequest request;
      if (since != absl::InfinitePast()) *request.mutable_since() = ToProtoTime(since);
      request.set_after_id(after);
      request.set_limit(static_cast<uint32_t>(page));
      absl::StatusOr<v1::ReadAuditResponse> response = client->ReadAudit(request);
      if (response.ok()) {
        entries = std::vector<v1::AuditEntry>(response->entries().begin(),
                                              response->entries().end());
      } else {
        entries = response.status();
      }
    }
    if (!entries.ok()) return Fail(err, entries.status());
    for (const v1::AuditEntry& entry : *entries) {
      out << (args.Has("json") ? ToJsonLine(entry) : FormatAuditLine(entry)) << "\n";
      after = entry.id();
      ++printed;
    }
    if (entries->size() < page) break;
  }
  return 0;
}

int WhoAmI(const Args& args, std::ostream& out, std::ostream& err) {
  absl::StatusOr<std::unique_ptr<Client>> client = Connect(args);
  if (!client.ok()) return Fail(err, client.status());
  absl::StatusOr<v1::GetEntitlementsResponse> me = (*client)->GetEntitlements();
  if (!me.ok()) return Fail(err, me.status());
  if (args.Has("json")) {
    out << ToJsonLine(*me) << "\n";
  } else if (me->via() == v1::GetEntitlementsResponse::VIA_OPEN) {
    out << "open server: it has no API keys, so every caller may do everything\n";
  } else {
    out << (me->via() == v1::GetEntitlementsResponse::VIA_CERTIFICATE ? "certificate " : "key ")
        << FormatKeyLine(me->key(), absl::Now()) << "\n";
  }
  return 0;
}

struct Command {
  int (*run)(const Args&, std::ostream&, std::ostream&);
  std::set<std::string> with_value;
  std::set<std::string> switches;
};

// `flags` and the FILTER flags.
std::set<std::string> WithFilterFlags(std::set<std::string> flags) {
  flags.insert(std::begin(kFilterFlags), std::end(kFilterFlags));
  return flags;
}

// `flags` and the CLIENT flags.
std::set<std::string> WithClientFlags(std::set<std::string> flags) {
  flags.insert(std::begin(kClientFlags), std::end(kClientFlags));
  return flags;
}

bool IsHelpFlag(absl::string_view arg) { return arg == "--help" || arg == "-h"; }

// True if a command's arguments (args[0] is the command) ask for its usage:
// --help or -h among them, before any "--".
bool AsksForHelp(const std::vector<std::string>& args) {
  const auto end = std::find(args.begin() + 1, args.end(), "--");
  return std::any_of(args.begin() + 1, end, IsHelpFlag);
}

const std::map<std::string, Command>& Commands() {
  static const auto* commands = new std::map<std::string, Command>{
      {"serve",
       {&Serve,
        {"listen", "data", "load", "retain-days", "retain-events", "max-archive-mb",
         "max-subscribers", "max-subscribers-per-client", "subscriber-queue-mb",
         "tls-cert", "tls-key", "client-ca", "tls-refresh", "keys", "http", "access-log",
         "websub-min-lease", "websub-retry", "log", "log-replicas", "log-format",
         "log-level"},
        {"memory", "require-client-cert", "insecure"}}},
      {"publish", {&Publish, WithClientFlags({}), {}}},
      {"ingest", {&Ingest, WithClientFlags({"interval"}), {"watch"}}},
      {"tail",
       {&Tail,
        WithClientFlags(
            WithFilterFlags({"from", "since", "query", "min-urgency", "heartbeat"})),
        {"full", "json", "every-version", "exclude-duplicates"}}},
      {"get", {&Get, WithClientFlags({"version"}), {"json"}}},
      {"search",
       {&Search, WithClientFlags(WithFilterFlags({"limit", "page", "since", "until"})),
        {"newest", "killed", "json", "exclude-duplicates"}}},
      {"parse", {&Parse, {}, {"json"}}},
      {"keys",
       {&Keys,
        WithClientFlags({"data", "keys", "scope", "sources", "filter", "expires",
                         "publish-rate", "search-rate", "max-streams", "grace"}),
        {"embargo-preview", "certificate", "json"}}},
      {"audit", {&Audit, WithClientFlags({"data", "since", "limit"}), {"json"}}},
      {"whoami", {&WhoAmI, WithClientFlags({}), {"json"}}},
  };
  return *commands;
}

}  // namespace

int RunCli(const std::vector<std::string>& args, std::ostream& out,
           std::ostream& err) {
  if (args.empty()) {
    err << "newswire: no command given\n\n" << FullUsage();
    return kUsageError;
  }
  if (args[0] == "--version") {
    out << "newswire " << NewswireVersion() << "\n";
    return 0;
  }
  if (args[0] == "help" || IsHelpFlag(args[0])) {
    if (args.size() == 1 || IsHelpFlag(args[1])) {
      out << FullUsage();
      return 0;
    }
    std::optional<std::string> usage = CommandUsage(args[1]);
    if (!usage.has_value()) {
      Usage(err, absl::StrCat("help: unknown command ", QuoteInput(args[1])));
      err << UsageReminder(args[1]);
      return kUsageError;
    }
    out << *usage;
    return 0;
  }
  auto command = Commands().find(args[0]);
  if (command == Commands().end()) {
    Usage(err, absl::StrCat("unknown command ", QuoteInput(args[0])));
    err << UsageReminder(args[0]);
    return kUsageError;
  }
  if (AsksForHelp(args)) {
    out << CommandUsage(args[0]).value_or("");
    return 0;
  }
  absl::StatusOr<Args> parsed = ParseArgs(args, 1, command->second.with_value,
                                          command->second.switches);
  int code = parsed.ok()
                 ? command->second.run(*parsed, out, err)
                 : Usage(err, absl::StrCat(args[0], ": ", parsed.status().message()));
  if (code == kUsageError) err << UsageReminder(args[0]);
  return code;
}

}  // namespace newswire
