// IPTC ninjs 1.x and 2.x (https://iptc.org/standards/ninjs/) into Articles.
// ninjs is newswire's own model (see article.proto), so most fields map one
// to one; 2.x moved text into lists with roles (headlines, bodies, ...).
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/ingest/feed_date.h"
#include "core/ingest/item.h"
#include "core/ingest/json_value.h"

namespace newswire::json {
namespace {

constexpr absl::string_view kNinjsKeys[] = {"uri", "headline", "headlines", "versioncreated",
                                            "firstcreated", "body_text", "bodies"};

// The value of the entry of list `key` whose role is `role` (or that has
// none), else the first entry's; with its content type.
struct Rendered {
  std::string value;
  std::string content_type;
};
Rendered FromList(Value object, absl::string_view key, absl::string_view role) {
  Rendered first;
  Rendered chosen;
  bool found = false;
  ForEachIn(object, key, [&](Value entry) {
    Rendered r{String(entry, "value"), String(entry, "contenttype")};
    const std::string entry_role = String(entry, "role");
    if (first.value.empty()) first = r;
    if (!found && (entry_role.empty() || entry_role == role)) {
      chosen = std::move(r);
      found = true;
    }
  });
  return found ? chosen : first;
}

ItemText AsText(const Rendered& r) {
  const bool html = absl::StrContains(r.content_type, "html");
  return {r.value, html ? ItemText::Kind::kHtml : ItemText::Kind::kText};
}

// ninjs 1.x names the lists in the singular before 1.2 ("subject",
// "place"); both spellings are read.
void ReadEntities(Value object, absl::string_view plural, absl::string_view singular,
                  google::protobuf::RepeatedPtrField<v1::Entity>& out) {
  const auto read = [&](Value entry) {
    v1::Entity entity;
    entity.set_name(CollapseWhitespace(String(entry, "name")));
    std::string code = String(entry, "code");
    if (code.empty()) code = String(entry, "uri");
    if (code.empty()) code = String(entry, "literal");  // 2.x: a code that is no URI.
    entity.set_code(std::move(code));
    entity.set_scheme(String(entry, "scheme"));
    if (!entity.name().empty() || !entity.code().empty()) {
      if (entity.name().empty()) entity.set_name(entity.code());
      *out.Add() = std::move(entity);
    }
  };
  ForEachIn(object, plural, read);
  ForEachIn(object, singular, read);
}

v1::PubStatus PubStatus(absl::string_view status) {
  const std::string lower = absl::AsciiStrToLower(status);
  if (lower == "withheld") return v1::PUB_STATUS_WITHHELD;
  if (lower == "canceled" || lower == "cancelled") return v1::PUB_STATUS_CANCELED;
  return v1::PUB_STATUS_USABLE;
}

FeedItem ReadObject(Value object, std::vector<std::string>& notes) {
  FeedItem item;
  Article& preset = item.preset;
  item.id = String(object, "uri");
  const bool v2 = Member(object, "headlines").has_value() || Member(object, "bodies").has_value();
  if (v2) {
    item.title = AsText(FromList(object, "headlines", "main"));
    item.summary = AsText(FromList(object, "descriptions", "summary"));
    item.content = AsText(FromList(object, "bodies", "main"));
    preset.set_subheadline(CollapseWhitespace(FromList(object, "headlines", "sub").value));
    if (preset.subheadline() == CollapseWhitespace(item.title.value)) preset.clear_subheadline();
    ForEachIn(object, "bylines", [&](Value byline) {
      item.authors.push_back(String(byline, "byline"));
    });
    if (std::string by = String(object, "by"); !by.empty()) item.authors.push_back(std::move(by));
    // The story's web page is its text/html rendition.
    ForEachIn(object, "renditions", [&](Value rendition) {
      if (item.url.empty() && absl::StrContains(String(rendition, "contenttype"), "html")) {
        item.url = String(rendition, "href");
      }
    });
    ForEachIn(object, "infosources", [&](Value source) {
      if (preset.source().name().empty()) preset.mutable_source()->set_name(String(source, "name"));
    });
  } else {
    item.title = {String(object, "headline"), ItemText::Kind::kText};
    item.summary = {String(object, "description_text"), ItemText::Kind::kText};
    if (std::string html = String(object, "description_html"); !html.empty() &&
                                                                 item.summary.value.empty()) {
      item.summary = {std::move(html), ItemText::Kind::kHtml};
    }
    std::string html = String(object, "body_html");
    if (html.empty()) html = String(object, "body_xhtml");
    if (!html.empty()) {
      item.content = {std::move(html), ItemText::Kind::kHtml};
    } else {
      item.content = {String(object, "body_text"), ItemText::Kind::kText};
    }
    if (std::string byline = String(object, "byline"); !byline.empty()) {
      item.authors.push_back(std::move(byline));
    }
    preset.mutable_source()->set_name(String(object, "copyrightholder"));
  }
  item.published = String(object, "firstcreated");
  item.updated = String(object, "versioncreated");
  item.language = String(object, "language");
  preset.set_dateline(CollapseWhitespace(String(object, "located")));
  if (std::optional<uint64_t> version = Unsigned(object, "version");
      version.has_value() && *version > 0 && *version <= UINT32_MAX) {
    preset.set_version(static_cast<uint32_t>(*version));
  }
  if (std::optional<uint64_t> urgency = Unsigned(object, "urgency"); urgency.has_value()) {
    if (*urgency <= kMaxUrgency) {
      preset.set_urgency(static_cast<uint32_t>(*urgency));
    } else {
      notes.push_back(absl::StrCat("urgency ", *urgency, " left out: the ninjs scale is 1-9"));
    }
  }
  preset.set_pub_status(PubStatus(String(object, "pubstatus")));
  if (std::string embargo = String(object, "embargoed"); !embargo.empty()) {
    absl::StatusOr<FeedDate> date = ParseFeedDate(embargo);
    if (date.ok()) {
      preset.mutable_embargoed_until()->set_seconds(absl::ToUnixSeconds(date->time));
      if (!date->offset_note.empty()) {
        notes.push_back(absl::StrCat("embargo \"", absl::CEscape(embargo),
                                     "\": ", date->offset_note));
      }
    } else {
      notes.push_back(absl::StrCat("embargo left out: ", date.status().message()));
    }
  }
  ReadEntities(object, "subjects", "subject", *preset.mutable_subjects());
  ReadEntities(object, "places", "place", *preset.mutable_places());
  ReadEntities(object, "people", "person", *preset.mutable_people());
  ReadEntities(object, "organisations", "organisation", *preset.mutable_organisations());
  ForEachIn(object, "keywords", [&](Value keyword) {
    std::string_view text;
    if (keyword.get_string().get(text) == simdjson::SUCCESS) {
      preset.add_keywords(std::string(text));
    }
  });
  return item;
}

}  // namespace

bool LooksLikeNinjs(Value object) {
  if (!object.is_object()) return false;
  for (absl::string_view key : kNinjsKeys) {
    if (Member(object, key).has_value()) return true;
  }
  return absl::StrContains(String(object, "$schema"), "ninjs");
}

void ReadNinjs(Value root, const FeedOptions& options, Feed& feed) {
  feed.format = FeedFormat::kNinjs;
  feed.version = "ninjs1";
  const FeedContext context = ItemContext(feed, options);
  const auto read = [&](Value object) {
    if (Member(object, "headlines").has_value() || Member(object, "bodies").has_value()) {
      feed.version = "ninjs2";
    }
    std::vector<std::string> notes;
    FeedItem item = ReadObject(object, notes);
    for (std::string& note : notes) {
      feed.notes.push_back(absl::StrCat("item ", feed.articles.size() + feed.skipped_items + 1,
                                        ": ", note));
    }
    AddItem(item, context, feed);
  };
  if (root.is_array()) {
    for (Value object : simdjson::dom::array(root)) read(object);
  } else {
    read(root);
  }
}

}  // namespace newswire::json
