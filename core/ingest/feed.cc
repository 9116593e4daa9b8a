#include "core/ingest/feed.h"

#include <libxml/tree.h>

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/ingest/binary_input.h"
#include "core/ingest/decode.h"
#include "core/ingest/json_feed.h"
#include "core/ingest/text.h"
#include "core/ingest/xml_document.h"
#include "core/ingest/xml_feed.h"
#include "core/ingest/xml_nodes.h"
#include "core/ingest/xml_prefixes.h"

namespace newswire {
namespace {

enum class Shape { kJson, kXml, kText };

// What the first meaningful byte says: '{' (or '[' then '{') JSON, '<' XML
// (as is any byte order mark or UTF-16/32 layout, which only XML uses
// here), anything else text.
Shape ShapeOf(absl::string_view bytes) {
  if (absl::StartsWith(bytes, "\xEF\xBB\xBF")) bytes.remove_prefix(3);
  bytes = absl::StripLeadingAsciiWhitespace(bytes);
  if (bytes.empty()) return Shape::kText;
  if (bytes[0] == '{') return Shape::kJson;
  if (bytes[0] == '[') {
    // An array of ninjs objects; a text article may open with "[Updated]".
    const absl::string_view rest = absl::StripLeadingAsciiWhitespace(bytes.substr(1));
    if (!rest.empty() && (rest[0] == '{' || rest[0] == ']')) return Shape::kJson;
    return Shape::kText;
  }
  if (bytes[0] == '<') return Shape::kXml;
  const auto byte = [&](size_t i) { return i < bytes.size() ? static_cast<unsigned char>(bytes[i]) : 1; };
  // Byte order marks of UTF-16/32, or a NUL beside the first character.
  if ((byte(0) == 0xFF && byte(1) == 0xFE) || (byte(0) == 0xFE && byte(1) == 0xFF) ||
      byte(0) == 0 || byte(1) == 0) {
    return Shape::kXml;
  }
  return Shape::kText;
}

absl::StatusOr<FeedFormat> XmlFormat(const xmlNode* root) {
  const absl::string_view name = xml::Name(root);
  const absl::string_view ns = xml::Namespace(root);
  if (name == "rss") return FeedFormat::kRss;
  if (name == "RDF" && (ns == xml::kRdf || ns.empty())) return FeedFormat::kRdf;
  if (name == "feed") return FeedFormat::kAtom;
  if (name == "entry" && (ns == xml::kAtom10 || ns == xml::kAtom03)) return FeedFormat::kAtom;
  return absl::InvalidArgumentError(absl::StrCat(
      "XML whose root element <", name,
      "> is not a feed (expected <rss>, <rdf:RDF>, <feed> or an Atom <entry>)"));
}

// What every input must pass before its format is looked at: the size
// limit, and not being binary.
absl::Status CheckInput(absl::string_view bytes, const FeedOptions& options) {
  if (bytes.size() > kMaxFeedBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "input of ", bytes.size(), " bytes is over the limit of ", kMaxFeedBytes));
  }
  return CheckNotBinary(bytes, options.charset);
}

absl::StatusOr<Feed> ParseXmlFeed(absl::string_view bytes, const FeedOptions& options) {
  DecodedText decoded = DecodeFeedBytes(bytes, options.charset);
  absl::StatusOr<XmlDocument> document = XmlDocument::Parse(decoded.text);
  if (!document.ok()) return document.status();
  std::vector<std::string> prefix_notes = BindUndeclaredPrefixes(document->root());
  absl::StatusOr<FeedFormat> format = XmlFormat(document->root());
  if (!format.ok()) return format.status();
  Feed feed;
  feed.encoding = decoded.encoding;
  if (!decoded.note.empty()) feed.notes.push_back(std::move(decoded.note));
  for (std::string& note : prefix_notes) feed.notes.push_back(std::move(note));
  feed.well_formed = document->well_formed();
  if (!feed.well_formed) feed.notes.push_back(document->first_error());
  if (*format == FeedFormat::kAtom) {
    ReadAtom(document->root(), options, feed);
  } else {
    ReadRss(document->root(), options, feed);
  }
  return feed;
}

absl::StatusOr<Feed> ParseTextFeed(absl::string_view bytes) {
  DecodedText decoded = DecodeFeedBytes(bytes);
  absl::StatusOr<Article> article = ParseText(decoded.text);
  if (!article.ok()) return article.status();
  Feed feed;
  feed.format = FeedFormat::kText;
  feed.version = "text";
  feed.encoding = decoded.encoding;
  if (!decoded.note.empty()) feed.notes.push_back(std::move(decoded.note));
  feed.articles.push_back(*std::move(article));
  return feed;
}

}  // namespace

absl::string_view FeedFormatName(FeedFormat format) {
  switch (format) {
    case FeedFormat::kText:
      return "text";
    case FeedFormat::kRss:
      return "rss";
    case FeedFormat::kRdf:
      return "rdf";
    case FeedFormat::kAtom:
      return "atom";
    case FeedFormat::kJsonFeed:
      return "jsonfeed";
    case FeedFormat::kNinjs:
      return "ninjs";
  }
  return "unknown";
}

absl::StatusOr<FeedFormat> DetectFeedFormat(absl::string_view bytes, const FeedOptions& options) {
  if (absl::Status status = CheckInput(bytes, options); !status.ok()) return status;
  switch (ShapeOf(bytes)) {
    case Shape::kJson:
      return DetectJsonFormat(bytes);
    case Shape::kXml: {
      absl::StatusOr<XmlDocument> document =
          XmlDocument::Parse(DecodeFeedBytes(bytes, options.charset).text);
      if (!document.ok()) return document.status();
      BindUndeclaredPrefixes(document->root());  // An undeclared "rdf:RDF".
      return XmlFormat(document->root());
    }
    case Shape::kText:
      break;
  }
  return FeedFormat::kText;
}

absl::StatusOr<Feed> ParseFeed(absl::string_view bytes, const FeedOptions& options) {
  if (absl::Status status = CheckInput(bytes, options); !status.ok()) return status;
  switch (ShapeOf(bytes)) {
    case Shape::kJson:
      return ParseJsonFeed(bytes, options);
    case Shape::kXml:
      return ParseXmlFeed(bytes, options);
    case Shape::kText:
      break;
  }
  return ParseTextFeed(bytes);
}

}  // namespace newswire
