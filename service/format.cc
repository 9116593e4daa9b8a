#include "service/format.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "core/search/filter_query.h"
#include "core/policy/principal.h"
#include "google/protobuf/util/json_util.h"
#include "core/model/terminal_text.h"

namespace newswire {

std::string FormatTime(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", FromProtoTime(t), absl::UTCTimeZone());
}

namespace {

std::string EntityNames(const google::protobuf::RepeatedPtrField<v1::Entity>& entities) {
  return absl::StrJoin(entities, ", ", [](std::string* out, const v1::Entity& e) {
    absl::StrAppend(out, e.name().empty() ? e.code() : e.name());
  });
}

// "DATELINE — HEADLINE  [ID vN]"
std::string HeadlineLine(const Article& a) {
  std::string line;
  if (!a.dateline().empty()) absl::StrAppend(&line, a.dateline(), " — ");
  absl::StrAppend(&line, a.headline(), "  [", a.id(), " v", a.version(), "]");
  return line;
}

}  // namespace

std::string EventKindName(v1::EventKind kind) {
  return std::string(absl::StripPrefix(v1::EventKind_Name(kind), "EVENT_KIND_"));
}

std::string FormatEventLine(const v1::FeedEvent& event) {
  switch (event.kind()) {
    case v1::EVENT_KIND_CAUGHT_UP:
      return absl::StrCat("--  caught up at sequence ", event.head_sequence(),
                          "; waiting for live events");
    case v1::EVENT_KIND_HEARTBEAT:
      return absl::StrCat("--  heartbeat, head sequence ", event.head_sequence());
    default:
      break;
  }
  return TerminalSafe(absl::StrCat(event.sequence(), "  ", EventKindName(event.kind()), "  ",
                                   HeadlineLine(event.article())),
                      TextLines::kOne);
}

std::string FormatSearchHit(const v1::SearchHit& hit) {
  std::string out = absl::StrCat(
      TerminalSafe(absl::StrCat(absl::StrFormat("%6.2f", hit.score()), "  ",
                                HeadlineLine(hit.article())),
                   TextLines::kOne),
      "\n");
  // A snippet is cut from the body, across paragraphs: one line here.
  if (const std::string snippet = CollapseWhitespace(hit.snippet()); !snippet.empty()) {
    absl::StrAppend(&out, "        ", TerminalSafe(snippet, TextLines::kOne), "\n");
  }
  return out;
}

std::string FormatArticle(const Article& a) {
  std::string out = absl::StrCat(TerminalSafe(a.headline(), TextLines::kOne), "\n");
  auto field = [&out](absl::string_view name, absl::string_view value) {
    if (!value.empty()) {
      absl::StrAppend(&out, name, ": ", TerminalSafe(value, TextLines::kOne), "\n");
    }
  };
  field("subheadline", a.subheadline());
  field("byline", a.byline());
  field("dateline", a.dateline());
  field("id", a.id());
  field("version", absl::StrCat(a.version()));
  field("status", absl::StripPrefix(v1::PubStatus_Name(a.pub_status()), "PUB_STATUS_"));
  field("source", a.source().name());
  field("language", a.language());
  if (a.has_first_created()) field("first created", FormatTime(a.first_created()));
  if (a.has_version_created()) field("version created", FormatTime(a.version_created()));
  if (a.has_embargoed_until()) field("embargoed until", FormatTime(a.embargoed_until()));
  if (a.urgency() != 0) field("urgency", absl::StrCat(a.urgency()));
  field("subjects", EntityNames(a.subjects()));
  field("places", EntityNames(a.places()));
  field("people", EntityNames(a.people()));
  field("organisations", EntityNames(a.organisations()));
  field("keywords", absl::StrJoin(a.keywords(), ", "));
  field("url", a.canonical_url());
  field("words", a.word_count() ? absl::StrCat(a.word_count()) : "");
  field("fingerprint", a.fingerprint());
  if (!a.body_text().empty()) {
    absl::StrAppend(&out, "\n", TerminalSafe(a.body_text(), TextLines::kMany), "\n");
  }
  return out;
}

std::string FormatKeyLine(const v1::ApiKey& key, absl::Time now) {
  std::vector<std::string> scopes;
  for (int scope : key.entitlements().scopes()) {
    scopes.push_back(ScopeName(static_cast<v1::Scope>(scope)));
  }
  std::string state = "active";
  if (key.has_revoked()) {
    state = absl::StrCat("revoked ", FormatTime(key.revoked()));
  } else if (key.has_expires() && FromProtoTime(key.expires()) <= now) {
    state = absl::StrCat("expired ", FormatTime(key.expires()));
  } else if (key.has_expires()) {
    state = absl::StrCat("active until ", FormatTime(key.expires()));
  }
  if (!key.rotated_to().empty()) absl::StrAppend(&state, ", rotated to ", key.rotated_to());
  std::string line = absl::StrCat(key.id(), "  ", key.name(), "  ",
                                  absl::StrJoin(scopes, ","), "  sources=",
                                  key.entitlements().sources().empty()
                                      ? "any"
                                      : absl::StrJoin(key.entitlements().sources(), ","));
  const std::string filter = FilterQueryString(key.entitlements().filter());
  if (!filter.empty()) absl::StrAppend(&line, "  filter=", filter);
  if (key.entitlements().embargo_preview()) absl::StrAppend(&line, "  embargo-preview");
  if (key.certificate()) absl::StrAppend(&line, "  certificate");
  absl::StrAppend(&line, "  ", state);
  return TerminalSafe(line, TextLines::kOne);
}

std::string FormatAuditLine(const v1::AuditEntry& entry) {
  return TerminalSafe(
      absl::StrCat(FormatTime(entry.time()), "  ",
                   entry.decision() == v1::AuditEntry::ALLOWED ? "allowed" : "DENIED", "  ",
                   entry.method(), "  ", entry.key_id().empty() ? "-" : entry.key_id(),
                   entry.principal().empty() ? "" : absl::StrCat(" (", entry.principal(), ")"),
                   "  ", entry.peer(), "  ", entry.reason()),
      TextLines::kOne);
}

std::string ToJsonLine(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  // Cannot fail for messages that passed validation (valid UTF-8).
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

}  // namespace newswire
