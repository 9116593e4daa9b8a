// Atom 1.0 (RFC 4287) and Atom 0.3 into Articles (see feed.h).
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "core/model/article.h"
#include "core/ingest/html_text.h"
#include "core/ingest/item.h"
#include "core/ingest/url.h"
#include "core/ingest/xml_feed.h"
#include "core/ingest/xml_nodes.h"

namespace newswire {
namespace {

using xml::ForEachChild;
using xml::Name;
using xml::Text;

// Atom's elements; also without a namespace, as some feeds write them, and
// in whatever namespace the root <feed> is in (drafts before 0.3 had their
// own: "http://purl.org/echo/", "http://purl.org/pie/", ...).
bool IsAtom(const xmlNode* node, absl::string_view name) {
  if (Name(node) != name) return false;
  const absl::string_view ns = xml::Namespace(node);
  if (ns == xml::kAtom10 || ns == xml::kAtom03 || ns.empty()) return true;
  const xmlNode* root = xmlDocGetRootElement(node->doc);
  return root != nullptr && Name(root) == "feed" && xml::Namespace(root) == ns;
}

// True for a MIME type whose content Atom carries Base64-encoded (RFC 4287
// section 4.1.3.3): neither text/* nor an XML type.
bool IsBase64Type(absl::string_view type) {
  if (!absl::StrContains(type, '/')) return false;  // "text", "html", "xhtml".
  return !absl::StartsWith(type, "text/") && !absl::EndsWith(type, "/xml") &&
         !absl::EndsWith(type, "+xml");
}

// The page a link set names: the first rel="alternate" of type HTML (or
// no type), else the first alternate.
bool IsPageLink(const v1::Link& link) {
  return link.rel() == "alternate" &&
         (link.media_type().empty() || link.media_type() == "text/html" ||
          link.media_type() == "application/xhtml+xml");
}

FeedItem ReadEntry(const xmlNode* node, const FeedOptions& options, const std::string& feed_author) {
  FeedItem item;
  item.base_url = xml::BaseUrl(node, options.base_url);
  item.language = xml::Language(node);
  std::string any_alternate;
  ForEachChild(node, [&](const xmlNode* child) {
    const absl::string_view name = Name(child);
    if (!IsAtom(child, name)) return;
    if (name == "id") {
      item.id = std::string(absl::StripAsciiWhitespace(Text(child)));
    } else if (name == "title") {
      item.title = AtomText(child);
    } else if (name == "summary") {
      item.summary = AtomText(child);
    } else if (name == "content") {
      const std::string src = xml::Attribute(child, "src");
      if (!src.empty()) {
        v1::Link link;
        link.set_href(src);
        link.set_rel("related");
        link.set_media_type(xml::Attribute(child, "type"));
        item.links.push_back(std::move(link));
      } else {
        item.content = AtomText(child);
      }
    } else if (name == "link") {
      v1::Link link = xml::AtomLink(child);
      // Links resolve against the xml:base in effect at the link itself.
      link.set_href(ResolveUrl(xml::BaseUrl(child, options.base_url), link.href()));
      if (item.url.empty() && IsPageLink(link)) {
        item.url = link.href();
      } else if (link.rel() == "alternate") {
        if (any_alternate.empty()) any_alternate = link.href();
      } else if (link.rel() != "self") {
        item.links.push_back(std::move(link));
      }
    } else if (name == "published" || name == "issued") {
      if (item.published.empty()) item.published = Text(child);
    } else if (name == "updated" || name == "modified") {
      if (item.updated.empty()) item.updated = Text(child);
    } else if (name == "author" || name == "contributor") {
      item.authors.push_back(AtomPersonName(child));
    } else if (name == "category") {
      item.categories.push_back(AtomCategory(child));
    }
  });
  if (item.url.empty()) item.url = any_alternate;
  if (item.authors.empty() && !feed_author.empty()) item.authors.push_back(feed_author);
  return item;
}

}  // namespace

// An Atom text construct (title, summary, content, ...): type "text",
// "html" or "xhtml" (1.0), or a MIME type with mode "xml", "escaped" or
// "base64" (0.3). Base64 content (mode "base64", or without a mode a type
// that is neither text nor XML) is read as the text it encodes; when it
// does not decode to UTF-8 text (an image, say) it is left out.
ItemText AtomText(const xmlNode* node) {
  const std::string type = absl::AsciiStrToLower(xml::Attribute(node, "type", "text"));
  const std::string mode = absl::AsciiStrToLower(xml::Attribute(node, "mode"));
  std::string value;
  if (mode == "base64" || (mode.empty() && IsBase64Type(type))) {
    if (!absl::Base64Unescape(absl::StripAsciiWhitespace(Text(node)), &value) ||
        !IsValidUtf8(value)) {
      value.clear();
    }
  } else if (type == "xhtml" || type == "application/xhtml+xml" || mode == "xml") {
    // The markup itself; Atom 1.0 wraps it in one xhtml <div>.
    const xmlNode* div = nullptr;
    int elements = 0;
    ForEachChild(node, [&](const xmlNode* child) {
      ++elements;
      div = child;
    });
    const bool wrapped =
        elements == 1 && Name(div) == "div" && xml::Namespace(div) == xml::kXhtml;
    return {xml::InnerXml(wrapped ? div : node), ItemText::Kind::kHtml};
  } else {
    value = Text(node);
  }
  const bool html = type == "html" || type == "text/html" || type == "xhtml" ||
                    type == "application/xhtml+xml" || mode == "escaped";
  if (type == "text" || type == "text/plain") return {value, ItemText::Kind::kText};
  return {value, html ? ItemText::Kind::kHtml : ItemText::Kind::kGuess};
}

std::string AtomPersonName(const xmlNode* person) {
  std::string name;
  std::string email;
  ForEachChild(person, [&](const xmlNode* child) {
    if (IsAtom(child, "name")) name = Text(child);
    if (IsAtom(child, "email")) email = Text(child);
  });
  if (absl::StripAsciiWhitespace(name).empty()) return email;
  return name;
}

v1::Entity AtomCategory(const xmlNode* node) {
  v1::Entity subject;
  subject.set_name(xml::Attribute(node, "label", xml::Attribute(node, "term")));
  subject.set_code(xml::Attribute(node, "term"));
  subject.set_scheme(xml::Attribute(node, "scheme"));
  if (subject.code() == subject.name()) subject.clear_code();
  return subject;
}

void ReadAtom(const xmlNode* root, const FeedOptions& options, Feed& feed) {
  feed.format = FeedFormat::kAtom;
  const absl::string_view ns = xml::Namespace(root);
  const bool atom03 = ns == xml::kAtom03 ||
                      (ns != xml::kAtom10 &&
                       absl::StripAsciiWhitespace(xml::Attribute(root, "version")) == "0.3");
  feed.version = atom03 ? "atom03" : "atom10";
  feed.language = xml::Language(root);
  if (Name(root) == "entry") {
    // An Atom Entry Document (RFC 4287 section 4.1.2): one entry alone.
    AddItem(ReadEntry(root, options, ""), ItemContext(feed, options), feed);
    return;
  }
  std::string feed_author;
  std::string any_alternate;
  ForEachChild(root, [&](const xmlNode* child) {
    const absl::string_view name = Name(child);
    if (!IsAtom(child, name)) return;
    if (name == "title") {
      feed.title = PlainLine(AtomText(child));
    } else if (name == "subtitle" || name == "tagline") {
      feed.description = PlainLine(AtomText(child));
    } else if (name == "link") {
      v1::Link link = xml::AtomLink(child);
      link.set_href(ResolveUrl(xml::BaseUrl(child, options.base_url), link.href()));
      if (feed.link.empty() && IsPageLink(link)) feed.link = link.href();
      if (any_alternate.empty() && link.rel() == "alternate") any_alternate = link.href();
    } else if (name == "author" && feed_author.empty()) {
      feed_author = AtomPersonName(child);
    }
  });
  if (feed.link.empty()) feed.link = any_alternate;
  feed.link = NormalizeUrl(feed.link);

  const FeedContext context = ItemContext(feed, options);
  ForEachChild(root, [&](const xmlNode* child) {
    if (IsAtom(child, "entry")) AddItem(ReadEntry(child, options, feed_author), context, feed);
  });
}

}  // namespace newswire
