#include "core/ingest/feed.h"

#include <libxml/tree.h>

#include <optional>
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

// Whether `bytes` are UTF-16 or UTF-32: a byte order mark of either, or a
// NUL beside the first character.
bool IsWide(absl::string_view bytes) {
  const auto byte = [&](size_t i) {
    return i < bytes.size() ? static_cast<unsigned char>(bytes[i]) : 1;
  };
  return (byte(0) == 0xFF && byte(1) == 0xFE) || (byte(0) == 0xFE && byte(1) == 0xFF) ||
         byte(0) == 0 || byte(1) == 0;
}

// What the first meaningful character of UTF-8 `text` says: '{' (or '['
// then '{') JSON, '<' XML, anything else text.
Shape ShapeOfText(absl::string_view text) {
  if (absl::StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
  text = absl::StripLeadingAsciiWhitespace(text);
  if (text.empty()) return Shape::kText;
  if (text[0] == '{') return Shape::kJson;
  if (text[0] == '[') {
    // An array of ninjs objects; a text article may open with "[Updated]".
    const absl::string_view rest = absl::StripLeadingAsciiWhitespace(text.substr(1));
    if (!rest.empty() && (rest[0] == '{' || rest[0] == ']')) return Shape::kJson;
    return Shape::kText;
  }
  if (text[0] == '<') return Shape::kXml;
  return Shape::kText;
}

// The input's shape, and for UTF-16 or UTF-32 input its text decoded (a
// plain-text article saved as "Unicode" by Windows Notepad is UTF-16LE
// with a byte order mark; so, now and then, is a feed).
struct Shaped {
  Shape shape;
  std::optional<DecodedText> wide;  // Set for UTF-16/32 input.
};

Shaped ShapeOf(absl::string_view bytes, const FeedOptions& options) {
  if (!IsWide(bytes)) return {ShapeOfText(bytes), std::nullopt};
  DecodedText decoded = DecodeFeedBytes(bytes, options.charset);
  const Shape shape = ShapeOfText(decoded.text);
  return {shape, std::move(decoded)};
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

absl::StatusOr<Feed> ParseTextFeed(absl::string_view bytes, const FeedOptions& options) {
  DecodedText decoded = DecodeFeedBytes(bytes, options.charset);
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
  const Shaped shaped = ShapeOf(bytes, options);
  switch (shaped.shape) {
    case Shape::kJson:
      return DetectJsonFormat(shaped.wide ? absl::string_view(shaped.wide->text) : bytes);
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
  Shaped shaped = ShapeOf(bytes, options);
  switch (shaped.shape) {
    case Shape::kJson: {
      if (!shaped.wide) return ParseJsonFeed(bytes, options);
      absl::StatusOr<Feed> feed = ParseJsonFeed(shaped.wide->text, options);
      if (feed.ok()) feed->encoding = shaped.wide->encoding;
      return feed;
    }
    case Shape::kXml:
      return ParseXmlFeed(bytes, options);  // It decodes the bytes itself.
    case Shape::kText:
      break;
  }
  return ParseTextFeed(bytes, options);
}

}  // namespace newswire
