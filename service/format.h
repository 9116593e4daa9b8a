// How the CLI shows events and articles: one line per event for people,
// the proto3 JSON mapping (proto field names, one object per line) for
// programs. Neither writes a control character it was sent: the lines for
// people show them escaped (TerminalSafe, core/model/terminal_text.h), the JSON as
// "\u001b" escapes.
#ifndef NEWSWIRE_SERVICE_FORMAT_H_
#define NEWSWIRE_SERVICE_FORMAT_H_

#include <string>

#include "core/model/article.h"
#include "google/protobuf/message.h"
#include "absl/time/time.h"
#include "newswire/v1/access.pb.h"
#include "newswire/v1/feed.pb.h"

namespace newswire {

// "PUBLISHED", "CAUGHT_UP", …: the enum name without its prefix.
std::string EventKindName(v1::EventKind kind);

// A timestamp as RFC 3339 UTC, to the second ("2024-11-23T08:00:00Z").
std::string FormatTime(const google::protobuf::Timestamp& t);

// One line, no newline: "SEQ  KIND  DATELINE — HEADLINE  [ID vN]", or a
// note for CAUGHT_UP and HEARTBEAT.
std::string FormatEventLine(const v1::FeedEvent& event);

// "SCORE  DATELINE — HEADLINE  [ID vN]" and the snippet on an indented
// second line (when there is one), ending in a newline. Whitespace in the
// snippet (paragraph breaks, tabs) becomes single spaces, so a hit is
// always those two lines.
std::string FormatSearchHit(const v1::SearchHit& hit);

// A readable multi-line rendering of every set field, ending in a newline.
std::string FormatArticle(const Article& article);

// One line per key (no secret): "ID  NAME  SCOPES  SOURCES  STATE"; STATE
// is active, revoked or expired as of `now`, with the expiry or the key it
// was rotated to.
std::string FormatKeyLine(const v1::ApiKey& key, absl::Time now);

// One line: "TIME  DECISION  METHOD  KEY (PRINCIPAL)  PEER  REASON".
std::string FormatAuditLine(const v1::AuditEntry& entry);

// The proto3 JSON mapping with proto field names, on one line.
std::string ToJsonLine(const google::protobuf::Message& message);

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_FORMAT_H_
