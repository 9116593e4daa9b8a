#include "core/ingest/json_feed.h"

#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/ingest/html_text.h"
#include "core/ingest/item.h"
#include "core/ingest/json_value.h"
#include "core/ingest/url.h"

namespace newswire {
namespace {

using json::ForEachIn;
using json::Member;
using json::String;
using json::Value;

// One parser per thread: simdjson parsers keep their buffers between
// documents, and are not thread-safe.
absl::StatusOr<simdjson::dom::parser*> Parser() {
  thread_local simdjson::dom::parser parser;
  if (parser.max_depth() != kMaxJsonDepth &&
      parser.allocate(64 << 10, kMaxJsonDepth) != simdjson::SUCCESS) {
    return absl::ResourceExhaustedError("no memory for a JSON parser");
  }
  return &parser;
}

absl::StatusOr<Value> ParseJson(absl::string_view text) {
  if (text.size() > kMaxFeedBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "JSON document of ", text.size(), " bytes is over the limit of ", kMaxFeedBytes));
  }
  absl::StatusOr<simdjson::dom::parser*> parser = Parser();
  if (!parser.ok()) return parser.status();
  Value root;
  const simdjson::error_code error = (*parser)->parse(text.data(), text.size()).get(root);
  if (error == simdjson::DEPTH_ERROR) {
    return absl::InvalidArgumentError(
        absl::StrCat("JSON nested deeper than ", kMaxJsonDepth, " levels"));
  }
  if (error != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        absl::StrCat("not valid JSON: ", simdjson::error_message(error)));
  }
  return root;
}

// The JSON Feed version a document states.
struct JsonFeedVersion {
  absl::string_view name;  // Feed::version: "jsonfeed10" or "jsonfeed11".
  std::string note;        // Set when the version was not written as the spec says.
};

// "version" as the spec writes it ("https://jsonfeed.org/version/1.1"), or
// as feeds in the wild do: "1", "1.0" or "1.1", as a string or a number.
// Those are only read as JSON Feed beside an "items" array, so that other
// JSON with a version ("package.json") is not taken for a feed.
std::optional<JsonFeedVersion> VersionOf(Value root) {
  const std::string url = String(root, "version");
  if (absl::StartsWith(url, "https://jsonfeed.org/version/") ||
      absl::StartsWith(url, "http://jsonfeed.org/version/")) {
    return JsonFeedVersion{absl::EndsWith(url, "/1.1") ? "jsonfeed11" : "jsonfeed10", ""};
  }
  std::optional<Value> version = Member(root, "version");
  std::optional<Value> items = Member(root, "items");
  if (!version.has_value() || !items.has_value() || !items->is_array())
    return std::nullopt;
  std::string written;
  if (version->is_string()) {
    written = url;
  } else if (double number = 0; version->get_double().get(number) == simdjson::SUCCESS) {
    written = number == 1.0 ? "1" : number == 1.1 ? "1.1" : "";
  }
  absl::string_view name;
  if (written == "1" || written == "1.0") name = "jsonfeed10";
  if (written == "1.1") name = "jsonfeed11";
  if (name.empty()) return std::nullopt;
  return JsonFeedVersion{
      name,
      absl::StrCat("\"version\" is ", version->is_string() ? "\"" : "", written,
                   version->is_string() ? "\"" : "",
                   ", not https://jsonfeed.org/version/", written == "1.1" ? "1.1" : "1",
                   ": read as JSON Feed ", written == "1.1" ? "1.1" : "1.0")};
}

bool IsJsonFeed(Value root) { return VersionOf(root).has_value(); }

bool IsNinjs(Value root) {
  if (root.is_array()) {
    for (Value element : simdjson::dom::array(root)) {
      if (!json::LooksLikeNinjs(element)) return false;
    }
    return true;
  }
  return json::LooksLikeNinjs(root);
}

absl::StatusOr<FeedFormat> FormatOf(Value root) {
  if (IsJsonFeed(root)) return FeedFormat::kJsonFeed;
  if (IsNinjs(root)) return FeedFormat::kNinjs;
  return absl::InvalidArgumentError(
      "JSON that is neither a JSON Feed (no jsonfeed.org \"version\", nor \"1\", \"1.0\" "
      "or "
      "\"1.1\" with \"items\") nor ninjs "
      "(no \"uri\", \"headline\", \"headlines\" or \"versioncreated\")");
}

// JSON Feed 1.1 has "authors"; 1.0 one "author".
void ReadAuthors(Value object, std::vector<std::string>& authors) {
  ForEachIn(object, "authors", [&](Value author) { authors.push_back(String(author, "name")); });
  if (std::optional<Value> author = Member(object, "author"); author.has_value()) {
    authors.push_back(String(*author, "name"));
  }
}

FeedItem ReadItem(Value object, const FeedOptions& options, const std::string& home_page) {
  FeedItem item;
  item.base_url = home_page.empty() ? options.base_url : home_page;
  item.id = String(object, "id");
  item.url = String(object, "url");
  // Plain text by the spec; in practice often with entities ("&#8211;").
  item.title = {String(object, "title"), ItemText::Kind::kGuess};
  item.summary = {String(object, "summary"), ItemText::Kind::kText};
  if (std::string html = String(object, "content_html"); !html.empty()) {
    item.content = {std::move(html), ItemText::Kind::kHtml};
  } else {
    item.content = {String(object, "content_text"), ItemText::Kind::kText};
  }
  item.published = String(object, "date_published");
  item.updated = String(object, "date_modified");
  item.language = String(object, "language");
  ReadAuthors(object, item.authors);
  ForEachIn(object, "tags", [&](Value tag) {
    std::string_view name;
    if (tag.get_string().get(name) != simdjson::SUCCESS) return;
    v1::Entity subject;
    subject.set_name(std::string(name));
    item.categories.push_back(std::move(subject));
  });
  if (std::string external = String(object, "external_url"); !external.empty()) {
    v1::Link link;
    link.set_href(std::move(external));
    link.set_rel("related");
    item.links.push_back(std::move(link));
  }
  for (const char* image : {"image", "banner_image"}) {
    if (std::string href = String(object, image); !href.empty()) {
      v1::Link link;
      link.set_href(std::move(href));
      link.set_rel("preview");
      item.links.push_back(std::move(link));
    }
  }
  ForEachIn(object, "attachments", [&](Value attachment) {
    v1::Link link;
    link.set_href(String(attachment, "url"));
    link.set_rel("enclosure");
    link.set_media_type(String(attachment, "mime_type"));
    link.set_title(String(attachment, "title"));
    link.set_length(json::Unsigned(attachment, "size_in_bytes").value_or(0));
    item.links.push_back(std::move(link));
  });
  return item;
}

// REQUIRES: IsJsonFeed(root).
void ReadJsonFeedDocument(Value root, const FeedOptions& options, Feed& feed) {
  feed.format = FeedFormat::kJsonFeed;
  const std::optional<JsonFeedVersion> version = VersionOf(root);
  feed.version = std::string(version->name);
  if (!version->note.empty()) feed.notes.push_back(version->note);
  feed.title = PlainLine({String(root, "title"), ItemText::Kind::kGuess});
  feed.link = NormalizeUrl(ResolveUrl(options.base_url, String(root, "home_page_url")));
  feed.description = PlainLine({String(root, "description"), ItemText::Kind::kGuess});
  feed.language = String(root, "language");
  const FeedContext context = ItemContext(feed, options);
  std::vector<std::string> feed_authors;
  ReadAuthors(root, feed_authors);
  ForEachIn(root, "items", [&](Value object) {
    FeedItem item = ReadItem(object, options, feed.link);
    if (item.authors.empty()) item.authors = feed_authors;
    AddItem(item, context, feed);
  });
}

}  // namespace

absl::StatusOr<FeedFormat> DetectJsonFormat(absl::string_view text) {
  absl::StatusOr<Value> root = ParseJson(text);
  if (!root.ok()) return root.status();
  return FormatOf(*root);
}

absl::StatusOr<Feed> ParseJsonFeed(absl::string_view text, const FeedOptions& options) {
  absl::StatusOr<Value> root = ParseJson(text);
  if (!root.ok()) return root.status();
  absl::StatusOr<FeedFormat> format = FormatOf(*root);
  if (!format.ok()) return format.status();
  Feed feed;
  feed.encoding = "utf-8";
  if (*format == FeedFormat::kJsonFeed) {
    ReadJsonFeedDocument(*root, options, feed);
  } else {
    json::ReadNinjs(*root, options, feed);
  }
  return feed;
}

}  // namespace newswire
