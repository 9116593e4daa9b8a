#include "core/syndicate/ninjs_writer.h"

#include <cstddef>

#include "absl/strings/str_cat.h"
#include "core/syndicate/feed_text.h"

namespace newswire {
namespace {

// `"key":"value"` for a member of a JSON object.
std::string Field(absl::string_view key, absl::string_view value) {
  return absl::StrCat(Json(key), ":", Json(value));
}

// One entry of a ninjs text list (headlines, descriptions, bodies);
// `more` is further members, each led by a comma.
std::string TextEntry(absl::string_view role, absl::string_view content_type,
                      absl::string_view value, absl::string_view more = "") {
  return absl::StrCat("{", Field("role", role), ",", Field("contenttype", content_type),
                      ",", Field("value", value), more, "}");
}

const char* PubStatusName(v1::PubStatus status) {
  switch (status) {
    case v1::PUB_STATUS_WITHHELD:
      return "withheld";
    case v1::PUB_STATUS_CANCELED:
      return "canceled";
    default:
      return "usable";
  }
}

// `,"key":[...]` for a list of entities, nothing for none.
std::string Entities(absl::string_view key,
                     const google::protobuf::RepeatedPtrField<v1::Entity>& entities) {
  if (entities.empty()) return "";
  std::string out = absl::StrCat(",", Json(key), ":[");
  for (int i = 0; i < entities.size(); ++i) {
    const v1::Entity& entity = entities[i];
    absl::StrAppend(&out, i > 0 ? "," : "", "{", Field("name", entity.name()));
    if (!entity.code().empty()) {
      absl::StrAppend(&out, ",",
                      Field(IsUri(entity.code()) ? "uri" : "literal", entity.code()));
    }
    out += "}";
  }
  out += "]";
  return out;
}

}  // namespace

std::string WriteNinjsObject(const Article& a) {
  const int offset = a.utc_offset_minutes();
  std::string out = absl::StrCat(
      "{", Field("uri", a.id()), ",\"standard\":{", Field("name", "ninjs"), ",",
      Field("version", kNinjsVersion), ",", Field("schema", kNinjsSchemaUri), "},",
      Field("type", "text"), ",", Field("version", absl::StrCat(a.version())), ",",
      Field("firstcreated", Rfc3339(FirstCreated(a), offset)), ",",
      Field("versioncreated", Rfc3339(VersionCreated(a), offset)));
  if (a.has_embargoed_until()) {
    absl::StrAppend(&out, ",",
                    Field("embargoed", Rfc3339(FromProtoTime(a.embargoed_until()), 0)));
  }
  absl::StrAppend(&out, ",", Field("pubstatus", PubStatusName(a.pub_status())));
  if (a.urgency() > 0) absl::StrAppend(&out, ",\"urgency\":", a.urgency());
  if (!a.language().empty()) absl::StrAppend(&out, ",", Field("language", a.language()));

  absl::StrAppend(&out, ",\"headlines\":[",
                  TextEntry("main", "text/plain", a.headline()));
  if (!a.subheadline().empty()) {
    absl::StrAppend(&out, ",", TextEntry("sub", "text/plain", a.subheadline()));
  }
  out += "]";
  if (!a.summary().empty()) {
    absl::StrAppend(&out, ",\"descriptions\":[",
                    TextEntry("summary", "text/plain", a.summary()), "]");
  }
  out += ",\"bodies\":[";
  if (!a.body_html().empty()) {
    absl::StrAppend(&out, TextEntry("main", "text/html", a.body_html()), ",");
  }
  absl::StrAppend(&out,
                  TextEntry("main", "text/plain", a.body_text(),
                            absl::StrCat(",\"wordcount\":", a.word_count())),
                  "]");

  if (!a.byline().empty()) absl::StrAppend(&out, ",", Field("by", a.byline()));
  if (!a.dateline().empty()) absl::StrAppend(&out, ",", Field("located", a.dateline()));
  absl::StrAppend(&out, Entities("subjects", a.subjects()),
                  Entities("places", a.places()), Entities("people", a.people()),
                  Entities("organisations", a.organisations()));
  if (!a.source().name().empty()) {
    absl::StrAppend(&out, ",\"infosources\":[{", Field("name", a.source().name()));
    if (IsUri(a.source().url()))
      absl::StrAppend(&out, ",", Field("uri", a.source().url()));
    out += "}]";
  }
  if (!a.canonical_url().empty()) {
    absl::StrAppend(&out, ",\"renditions\":[{", Field("name", "web"), ",",
                    Field("href", a.canonical_url()), ",",
                    Field("contenttype", "text/html"), "}]");
  }
  if (!a.fingerprint().empty()) {
    absl::StrAppend(&out, ",\"altids\":[{", Field("role", "fingerprint"), ",",
                    Field("value", a.fingerprint()), "}]");
  }
  out += "}";
  return out;
}

std::string WriteNinjs(const FeedPage& page) {
  std::string out = "[";
  for (size_t i = 0; i < page.articles.size(); ++i) {
    absl::StrAppend(&out, i > 0 ? ",\n" : "\n", WriteNinjsObject(page.articles[i]));
  }
  out += "]\n";
  return out;
}

}  // namespace newswire
