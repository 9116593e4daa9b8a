#include "core/store/jetstream_log.h"

#include <nats/nats.h>

#include <algorithm>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/base/event_log.h"

namespace newswire {
namespace {

// The wait of one JetStream API request; every request is retried within
// retry_timeout.
constexpr int64_t kRequestWaitMs = 5000;
// What ReadThrough takes in one step, and waits for it.
constexpr size_t kReadBatch = 500;
constexpr absl::Duration kReadWait = absl::Milliseconds(250);
constexpr absl::Duration kRetryPause = absl::Milliseconds(250);
// Where JetStream keeps a message's id (Nats-Msg-Id), stored with it.
constexpr absl::string_view kMessageIdHeader = "Nats-Msg-Id";

std::string NatsText(natsStatus status, int code) {
  std::string text = natsStatus_GetText(status);
  const char* last = nats_GetLastError(nullptr);
  if (last != nullptr && *last != '\0' && text != last) absl::StrAppend(&text, ": ", last);
  if (code != 0) absl::StrAppend(&text, " (JetStream error ", code, ")");
  return text;
}

// A failure that another try may not have: no leader (an election), a
// server restarting, a reconnecting client. libnats reports a request
// nobody answered as "JetStream not enabled" (JSNotEnabledErr).
bool Retryable(natsStatus status, jsErrCode code) {
  return status == NATS_TIMEOUT || status == NATS_NO_RESPONDERS ||
         status == NATS_CONNECTION_DISCONNECTED || status == NATS_NO_SERVER ||
         code == JSNotEnabledErr || code == JSClusterNotAvailErr ||
         code == JSStreamOfflineErr || code == JSClusterNoPeersErr;
}

// Calls `attempt(&code)` until it succeeds, fails in a way another try
// would not change, or `timeout` has passed; returns its last status.
template <typename Attempt>
natsStatus Retrying(absl::Duration timeout, jsErrCode& code, Attempt attempt) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    code = static_cast<jsErrCode>(0);
    const natsStatus s = attempt(&code);
    if (s == NATS_OK || !Retryable(s, code) || absl::Now() >= deadline) return s;
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(kRetryPause));
  }
}

template <typename T, void (*Destroy)(T*)>
struct NatsDeleter {
  void operator()(T* object) const { Destroy(object); }
};
using MsgPtr = std::unique_ptr<natsMsg, NatsDeleter<natsMsg, natsMsg_Destroy>>;
using PubAckPtr = std::unique_ptr<jsPubAck, NatsDeleter<jsPubAck, jsPubAck_Destroy>>;
using StreamInfoPtr =
    std::unique_ptr<jsStreamInfo, NatsDeleter<jsStreamInfo, jsStreamInfo_Destroy>>;

LogMessage ToLogMessage(natsMsg* msg, uint64_t sequence, int64_t unix_nanos) {
  LogMessage out;
  out.sequence = sequence;
  out.time = absl::FromUnixNanos(unix_nanos);
  out.subject = natsMsg_GetSubject(msg);
  out.data.assign(natsMsg_GetData(msg), natsMsg_GetDataLength(msg));
  const char** keys = nullptr;
  int key_count = 0;
  if (natsMsgHeader_Keys(msg, &keys, &key_count) == NATS_OK) {
    for (int k = 0; k < key_count; ++k) {
      const char** values = nullptr;
      int value_count = 0;
      if (natsMsgHeader_Values(msg, keys[k], &values, &value_count) != NATS_OK) continue;
      for (int v = 0; v < value_count; ++v) out.headers.emplace_back(keys[k], values[v]);
      free(values);
    }
    free(keys);
  }
  return out;
}

}  // namespace

JetStreamOptions StreamBeside(const JetStreamOptions& log, std::string stream,
                              std::string subjects, int64_t max_messages_per_subject) {
  JetStreamOptions options = log;
  options.stream = std::move(stream);
  options.subjects = std::move(subjects);
  options.max_messages_per_subject = max_messages_per_subject;
  return options;
}

std::string LogMessage::Header(absl::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "";
}

JetStreamLog::JetStreamLog(JetStreamOptions options, natsConnection* connection, jsCtx* js)
    : options_(std::move(options)), connection_(connection), js_(js) {}

JetStreamLog::~JetStreamLog() {
  jsCtx_Destroy(js_);
  natsConnection_Destroy(connection_);
}

absl::StatusOr<std::unique_ptr<JetStreamLog>> JetStreamLog::Open(
    const JetStreamOptions& options) {
  if (options.servers.empty()) return absl::InvalidArgumentError("no NATS server given");
  if (options.replicas < 1 || options.replicas > 5) {
    return absl::InvalidArgumentError(
        absl::StrCat("replicas must be 1 to 5 (JetStream's limit), not ", options.replicas));
  }
  std::vector<const char*> urls;
  for (const std::string& server : options.servers) urls.push_back(server.c_str());
  natsOptions* nats_options = nullptr;
  natsStatus s = natsOptions_Create(&nats_options);
  if (s == NATS_OK) s = natsOptions_SetServers(nats_options, urls.data(), urls.size());
  // Never give up on the cluster once connected: a lost server is
  // reconnected to, or another one is used.
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(nats_options, -1);
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(nats_options, 250);
  if (s != NATS_OK) {
    natsOptions_Destroy(nats_options);
    return absl::InvalidArgumentError(absl::StrCat("NATS options: ", NatsText(s, 0)));
  }
  const absl::Time deadline = absl::Now() + options.retry_timeout;
  natsConnection* connection = nullptr;
  while ((s = natsConnection_Connect(&connection, nats_options)) != NATS_OK &&
         absl::Now() < deadline) {
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(kRetryPause));
  }
  natsOptions_Destroy(nats_options);
  if (s != NATS_OK) {
    return absl::UnavailableError(absl::StrCat("cannot reach NATS at ", options.servers[0],
                                               urls.size() > 1 ? " (or the others)" : "",
                                               ": ", NatsText(s, 0)));
  }
  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.Wait = kRequestWaitMs;
  jsCtx* js = nullptr;
  s = natsConnection_JetStream(&js, connection, &js_options);
  if (s != NATS_OK) {
    natsConnection_Destroy(connection);
    return absl::InternalError(absl::StrCat("JetStream context: ", NatsText(s, 0)));
  }
  std::unique_ptr<JetStreamLog> log(new JetStreamLog(options, connection, js));
  if (absl::Status ready = log->EnsureStream(); !ready.ok()) return ready;
  return log;
}

absl::Status JetStreamLog::EnsureStream() {
  const absl::Time deadline = absl::Now() + options_.retry_timeout;
  while (true) {
    jsStreamInfo* raw_info = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    natsStatus s = js_GetStreamInfo(&raw_info, js_, options_.stream.c_str(), nullptr, &code);
    StreamInfoPtr info(raw_info);
    if (s == NATS_OK) {
      const jsStreamConfig& config = *info->Config;
      const bool takes_subjects =
          config.SubjectsLen == 1 && config.Subjects[0] == options_.subjects;
      if (!takes_subjects || !config.DenyDelete || !config.DenyPurge) {
        return absl::FailedPreconditionError(absl::StrCat(
            "JetStream stream ", options_.stream,
            " exists but is not newswire's (it must take only ", options_.subjects,
            " and deny deletes and purges)"));
      }
      // The server keeps "no limit" as -1.
      const int64_t per_subject = std::max<int64_t>(config.MaxMsgsPerSubject, 0);
      if (per_subject != options_.max_messages_per_subject) {
        return absl::FailedPreconditionError(absl::StrCat(
            "JetStream stream ", options_.stream, " keeps ",
            per_subject == 0 ? "every message" : absl::StrCat(per_subject),
            " per subject, newswire expects ",
            options_.max_messages_per_subject == 0
                ? "every message"
                : absl::StrCat(options_.max_messages_per_subject)));
      }
      return absl::OkStatus();
    }
    if (s == NATS_NOT_FOUND || code == JSStreamNotFoundErr) {
      jsStreamConfig config;
      jsStreamConfig_Init(&config);
      const std::string& subjects = options_.subjects;
      const char* subject_list[] = {subjects.c_str()};
      config.Name = options_.stream.c_str();
      config.Subjects = subject_list;
      config.SubjectsLen = 1;
      config.Storage = js_FileStorage;
      config.Replicas = options_.replicas;
      config.DenyDelete = true;
      config.DenyPurge = true;
      config.Duplicates = absl::ToInt64Nanoseconds(options_.duplicate_window);
      if (options_.max_messages_per_subject > 0)
        config.MaxMsgsPerSubject = options_.max_messages_per_subject;
      jsStreamInfo* added = nullptr;
      s = js_AddStream(&added, js_, &config, nullptr, &code);
      StreamInfoPtr added_info(added);
      if (s == NATS_OK || code == JSStreamNameExistErr) continue;  // Check it.
    }
    if (!Retryable(s, code) && !(s == NATS_NOT_FOUND || code == JSStreamNotFoundErr)) {
      return absl::UnavailableError(
          absl::StrCat("JetStream stream ", options_.stream, ": ", NatsText(s, code)));
    }
    if (absl::Now() >= deadline) {
      return absl::UnavailableError(absl::StrCat("JetStream stream ", options_.stream,
                                                 ": no answer in time (", NatsText(s, code),
                                                 ")"));
    }
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(kRetryPause));
  }
}

absl::StatusOr<LogAppended> JetStreamLog::Append(const LogAppend& append,
                                                 std::optional<absl::Duration> retry_for) {
  natsMsg* raw_msg = nullptr;
  natsStatus s = natsMsg_Create(&raw_msg, append.subject.c_str(), nullptr,
                                append.data.data(), static_cast<int>(append.data.size()));
  MsgPtr msg(raw_msg);
  for (const auto& [key, value] : append.headers) {
    // A header with an empty value shifts the ones after it when read back
    // (libnats 3.4.1): left out, it reads back as empty all the same.
    if (s == NATS_OK && !value.empty())
      s = natsMsgHeader_Add(msg.get(), key.c_str(), value.c_str());
  }
  if (s != NATS_OK) {
    return absl::InvalidArgumentError(
        absl::StrCat("message for ", append.subject, ": ", NatsText(s, 0)));
  }
  jsPubOptions publish;
  jsPubOptions_Init(&publish);
  publish.MaxWait = kRequestWaitMs;
  if (!append.message_id.empty()) publish.MsgId = append.message_id.c_str();
  publish.ExpectNoMessage = append.expect_empty_subject;
  jsPubAck* raw_ack = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  s = Retrying(retry_for.value_or(options_.retry_timeout), code, [&](jsErrCode* attempt_code) {
    jsPubAck_Destroy(raw_ack);
    raw_ack = nullptr;
    return js_PublishMsg(&raw_ack, js_, msg.get(), &publish, attempt_code);
  });
  PubAckPtr ack(raw_ack);
  if (s == NATS_OK) return LogAppended{ack->Sequence, ack->Duplicate};
  if (code == JSStreamWrongLastSequenceErr) return StoredAlready(append);
  if (Retryable(s, code)) {
    return absl::UnavailableError(absl::StrCat("append to ", append.subject,
                                               ": no leader took it in time (",
                                               NatsText(s, code), ")"));
  }
  return absl::UnavailableError(
      absl::StrCat("append to ", append.subject, ": ", NatsText(s, code)));
}

int64_t JetStreamLog::MaxMessageBytes() const {
  return natsConnection_GetMaxPayload(connection_);
}

absl::StatusOr<LogAppended> JetStreamLog::StoredAlready(const LogAppend& append) {
  if (!append.message_id.empty()) {
    absl::StatusOr<std::optional<LogMessage>> stored = LastOnSubject(append.subject);
    if (!stored.ok()) return stored.status();
    if (stored->has_value() && (*stored)->Header(kMessageIdHeader) == append.message_id) {
      return LogAppended{(*stored)->sequence, true};
    }
  }
  return absl::FailedPreconditionError(absl::StrCat(append.subject, " already holds a message"));
}

namespace {

// The stream's configuration and state now.
absl::StatusOr<StreamInfoPtr> GetStreamInfo(jsCtx* js, const std::string& stream,
                                            absl::Duration timeout) {
  jsStreamInfo* raw_info = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  const natsStatus s = Retrying(timeout, code, [&](jsErrCode* attempt_code) {
    jsStreamInfo_Destroy(raw_info);
    raw_info = nullptr;
    return js_GetStreamInfo(&raw_info, js, stream.c_str(), nullptr, attempt_code);
  });
  StreamInfoPtr info(raw_info);
  if (s != NATS_OK) {
    return absl::UnavailableError(
        absl::StrCat("JetStream stream ", stream, ": ", NatsText(s, code)));
  }
  return info;
}

}  // namespace

absl::StatusOr<JetStreamLog::Bounds> JetStreamLog::GetBounds(
    std::optional<absl::Duration> retry_for) {
  absl::StatusOr<StreamInfoPtr> info =
      GetStreamInfo(js_, options_.stream, retry_for.value_or(options_.retry_timeout));
  if (!info.ok()) return info.status();
  return Bounds{(*info)->State.FirstSeq, (*info)->State.LastSeq};
}

absl::StatusOr<std::string> JetStreamLog::Leader() {
  absl::StatusOr<StreamInfoPtr> found =
      GetStreamInfo(js_, options_.stream, options_.retry_timeout);
  if (!found.ok()) return found.status();
  const StreamInfoPtr& info = *found;
  if (info->Cluster == nullptr || info->Cluster->Leader == nullptr) {
    return absl::UnavailableError(absl::StrCat("JetStream stream ", options_.stream,
                                               " has no leader now"));
  }
  return std::string(info->Cluster->Leader);
}

absl::StatusOr<std::optional<LogMessage>> JetStreamLog::LastOnSubject(
    absl::string_view subject) {
  natsMsg* raw_msg = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  const std::string name(subject);
  const natsStatus s = Retrying(options_.retry_timeout, code, [&](jsErrCode* attempt_code) {
    natsMsg_Destroy(raw_msg);
    raw_msg = nullptr;
    return js_GetLastMsg(&raw_msg, js_, options_.stream.c_str(), name.c_str(), nullptr,
                         attempt_code);
  });
  MsgPtr msg(raw_msg);
  if (s == NATS_NOT_FOUND) return std::optional<LogMessage>();
  if (s != NATS_OK) {
    return absl::UnavailableError(absl::StrCat("last message on ", name, ": ", NatsText(s, code)));
  }
  return std::optional<LogMessage>(
      ToLogMessage(msg.get(), natsMsg_GetSequence(msg.get()), natsMsg_GetTime(msg.get())));
}

absl::StatusOr<std::unique_ptr<LogReader>> JetStreamLog::ReadFrom(uint64_t from) {
  jsSubOptions subscribe;
  jsSubOptions_Init(&subscribe);
  subscribe.Stream = options_.stream.c_str();
  subscribe.Ordered = true;
  subscribe.Config.DeliverPolicy = js_DeliverByStartSequence;
  subscribe.Config.OptStartSeq = std::max<uint64_t>(from, 1);
  natsSubscription* subscription = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  const std::string& subjects = options_.subjects;
  natsStatus s = Retrying(options_.retry_timeout, code, [&](jsErrCode* attempt_code) {
    natsSubscription_Destroy(subscription);
    subscription = nullptr;
    return js_SubscribeSync(&subscription, js_, subjects.c_str(), nullptr, &subscribe,
                            attempt_code);
  });
  // Nothing is dropped on the client: a reader that falls behind leaves
  // messages queued (the consumer's flow control bounds them).
  if (s == NATS_OK) s = natsSubscription_SetPendingLimits(subscription, -1, -1);
  if (s != NATS_OK) {
    natsSubscription_Destroy(subscription);
    return absl::UnavailableError(absl::StrCat("reading ", options_.stream, " from ", from,
                                               ": ", NatsText(s, code)));
  }
  return std::unique_ptr<LogReader>(new LogReader(subscription));
}

LogReader::~LogReader() {
  natsSubscription_Unsubscribe(subscription_);
  natsSubscription_Destroy(subscription_);
}

absl::StatusOr<std::vector<LogMessage>> LogReader::Next(size_t max, absl::Duration timeout) {
  std::vector<LogMessage> out;
  int64_t wait_ms = std::max<int64_t>(absl::ToInt64Milliseconds(timeout), 1);
  while (out.size() < max) {
    natsMsg* raw_msg = nullptr;
    const natsStatus s = natsSubscription_NextMsg(&raw_msg, subscription_, wait_ms);
    MsgPtr msg(raw_msg);
    if (s == NATS_TIMEOUT) break;
    if (s != NATS_OK) {
      return absl::UnavailableError(absl::StrCat("reading the log: ", NatsText(s, 0)));
    }
    jsMsgMetaData* meta = nullptr;
    if (natsMsg_GetMetaData(&meta, msg.get()) != NATS_OK) {
      return absl::InternalError("a log message without JetStream metadata");
    }
    const uint64_t sequence = meta->Sequence.Stream;
    const int64_t unix_nanos = meta->Timestamp;
    const uint64_t stream_pending = meta->NumPending;
    jsMsgMetaData_Destroy(meta);
    out.push_back(ToLogMessage(msg.get(), sequence, unix_nanos));
    out.back().pending = stream_pending;
    // After the first, take only what is already delivered.
    int pending = 0;
    int pending_bytes = 0;
    if (natsSubscription_GetPending(subscription_, &pending, &pending_bytes) != NATS_OK ||
        pending == 0) {
      break;
    }
    wait_ms = 1;
  }
  return out;
}

absl::Status JetStreamLog::ReadToLast(uint64_t from,
                                      absl::FunctionRef<void(const LogMessage&)> each) {
  absl::StatusOr<Bounds> bounds = GetBounds();
  if (!bounds.ok()) return bounds.status();
  return ReadThrough(from, bounds->last, [&each](const LogMessage& message) {
    each(message);
    return true;
  });
}

absl::Status JetStreamLog::ReadThrough(uint64_t from, uint64_t last,
                                       absl::FunctionRef<bool(const LogMessage&)> each) {
  from = std::max<uint64_t>(from, 1);
  if (last < from) return absl::OkStatus();
  absl::StatusOr<std::unique_ptr<LogReader>> reader = ReadFrom(from);
  if (!reader.ok()) return reader.status();
  const absl::Time deadline = absl::Now() + options_.retry_timeout;
  uint64_t read_to = from - 1;
  while (read_to < last) {
    if (absl::Now() >= deadline) {
      return absl::UnavailableError(absl::StrCat("reading ", options_.stream, ": stopped at ",
                                                 read_to, " of ", last));
    }
    absl::StatusOr<std::vector<LogMessage>> batch = (*reader)->Next(kReadBatch, kReadWait);
    if (!batch.ok()) return batch.status();
    for (const LogMessage& message : *batch) {
      read_to = message.sequence;
      if (!each(message)) return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

std::vector<LogMessage> LogFollower::Next(uint64_t after, absl::Duration wait) {
  if (reader_ == nullptr) {
    absl::StatusOr<std::unique_ptr<LogReader>> opened = log_.ReadFrom(after + 1);
    if (!opened.ok()) {
      LogEvent(LogLevel::kWarning, event_,
               {{"stream", log_.options().stream}, {"error", opened.status().message()}});
      absl::SleepFor(wait);
      return {};
    }
    reader_ = *std::move(opened);
  }
  absl::StatusOr<std::vector<LogMessage>> batch = reader_->Next(kReadBatch, wait);
  if (!batch.ok()) {
    reader_.reset();
    return {};
  }
  std::vector<LogMessage> out;
  for (LogMessage& message : *batch) {
    if (message.sequence > after) out.push_back(std::move(message));
  }
  return out;
}

absl::Status CatchUpFold(JetStreamLog& log, absl::Mutex& mu, const uint64_t& folded_to,
                         absl::FunctionRef<void(const LogMessage&)> fold) {
  uint64_t from;
  {
    absl::MutexLock lock(&mu);
    from = folded_to + 1;
  }
  return log.ReadToLast(from, [&](const LogMessage& message) {
    absl::MutexLock lock(&mu);
    if (message.sequence > folded_to) fold(message);
  });
}

}  // namespace newswire
