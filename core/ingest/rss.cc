// RSS 0.9x / 2.0 and RSS 1.0 / 0.90 (RDF) into Articles (see feed.h).
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/ingest/html_text.h"
#include "core/ingest/item.h"
#include "core/ingest/url.h"
#include "core/ingest/xml_feed.h"
#include "core/ingest/xml_nodes.h"

namespace newswire {
namespace {

using xml::ForEachChild;
using xml::Name;
using xml::Namespace;
using xml::Text;

// RSS's own elements: no namespace in RSS 0.9x/2.0 (or the one an <rss>
// root is in: UserLand's "http://backend.userland.com/rss2" and the like),
// RSS 1.0's or 0.90's in RDF feeds.
bool IsRss(const xmlNode* node, absl::string_view name) {
  if (Name(node) != name) return false;
  const absl::string_view ns = Namespace(node);
  if (ns.empty() || ns == xml::kRss10 || ns == xml::kRss090) return true;
  const xmlNode* root = xmlDocGetRootElement(node->doc);
  return root != nullptr && Name(root) == "rss" && Namespace(root) == ns;
}

// True when `node` declares RSS 0.90's namespace.
bool DeclaresRss090(const xmlNode* node) {
  for (const xmlNs* ns = node->nsDef; ns != nullptr; ns = ns->next) {
    if (ns->href != nullptr && xml::kRss090 == reinterpret_cast<const char*>(ns->href)) {
      return true;
    }
  }
  return false;
}

bool IsIn(const xmlNode* node, absl::string_view ns, absl::string_view name) {
  return Name(node) == name && Namespace(node) == ns;
}

std::string Stripped(const xmlNode* node) {
  return std::string(absl::StripAsciiWhitespace(Text(node)));
}

// A description is HTML, escaped (the usual case) or, in some feeds, as
// unescaped elements.
ItemText Description(const xmlNode* node) {
  if (xml::HasElementChildren(node)) return {xml::InnerXml(node), ItemText::Kind::kHtml};
  return {Text(node), ItemText::Kind::kGuess};
}

v1::Link Enclosure(const xmlNode* node, const char* url, const char* size) {
  v1::Link link;
  link.set_href(xml::Attribute(node, url));
  link.set_rel("enclosure");
  link.set_media_type(xml::Attribute(node, "type"));
  link.set_length(xml::ByteLength(xml::Attribute(node, size)));
  return link;
}

void ReadDublinCore(const xmlNode* child, FeedItem& item) {
  const absl::string_view name = Name(child);
  if (name == "creator" || name == "contributor") {
    item.authors.push_back(Text(child));
  } else if (name == "date") {
    if (item.published.empty()) item.published = Text(child);
  } else if (name == "subject") {
    v1::Entity subject;
    subject.set_name(Text(child));
    item.categories.push_back(std::move(subject));
  } else if (name == "language") {
    if (item.language.empty()) item.language = Stripped(child);
  } else if (name == "identifier") {
    if (item.id.empty()) item.id = Stripped(child);
  } else if (name == "title") {
    if (item.title.value.empty()) item.title = {Text(child), ItemText::Kind::kGuess};
  } else if (name == "description") {
    if (item.summary.value.empty()) item.summary = Description(child);
  }
}

// What an item states in other vocabularies, used where it states nothing
// in RSS's own: Atom elements (atom:published, atom:author, ...) and
// iTunes podcast ones (itunes:summary, itunes:author, itunes:keywords).
struct StandIns {
  ItemText summary;
  ItemText content;
  std::string published;
  std::vector<std::string> authors;
  std::vector<v1::Entity> categories;
  std::vector<std::string> keywords;
};

// Reads an atom:* or itunes:* child of an item into `extra`; false if it is
// neither one of those.
bool ReadStandIn(const xmlNode* child, StandIns& extra) {
  const absl::string_view name = Name(child);
  if (Namespace(child) == xml::kAtom10) {
    if (name == "published") {
      if (extra.published.empty()) extra.published = Text(child);
    } else if (name == "author" || name == "contributor") {
      extra.authors.push_back(AtomPersonName(child));
    } else if (name == "summary") {
      extra.summary = AtomText(child);
    } else if (name == "content") {
      extra.content = AtomText(child);
    } else if (name == "category") {
      extra.categories.push_back(AtomCategory(child));
    } else {
      return false;
    }
    return true;
  }
  if (absl::EqualsIgnoreCase(Namespace(child), xml::kItunes)) {
    if (name == "summary") {
      extra.summary = {Text(child), ItemText::Kind::kGuess};
    } else if (name == "author") {
      extra.authors.push_back(Text(child));
    } else if (name == "keywords") {
      for (absl::string_view keyword : absl::StrSplit(Text(child), ',')) {
        keyword = absl::StripAsciiWhitespace(keyword);
        if (!keyword.empty()) extra.keywords.emplace_back(keyword);
      }
    } else {
      return false;
    }
    return true;
  }
  return false;
}

// Fills what `item` lacks from `extra`.
void UseStandIns(StandIns extra, FeedItem& item) {
  if (item.summary.value.empty()) item.summary = std::move(extra.summary);
  if (item.content.value.empty()) item.content = std::move(extra.content);
  if (item.published.empty()) item.published = std::move(extra.published);
  if (item.authors.empty()) item.authors = std::move(extra.authors);
  if (item.categories.empty()) item.categories = std::move(extra.categories);
  if (item.preset.keywords().empty()) {
    for (std::string& keyword : extra.keywords)
      item.preset.add_keywords(std::move(keyword));
  }
}

FeedItem ReadItem(const xmlNode* node, const FeedOptions& options,
                  const std::string& channel_author) {
  FeedItem item;
  item.base_url = xml::BaseUrl(node, options.base_url);
  item.language = xml::Language(node);
  std::string permalink;
  StandIns extra;
  ForEachChild(node, [&](const xmlNode* child) {
    const absl::string_view ns = Namespace(child);
    if (IsRss(child, "title")) {
      item.title = {Text(child), ItemText::Kind::kGuess};
    } else if (IsRss(child, "link")) {
      if (item.url.empty()) item.url = Stripped(child);
    } else if (IsRss(child, "description")) {
      item.summary = Description(child);
    } else if (IsRss(child, "guid")) {
      item.id = Stripped(child);
      if (absl::AsciiStrToLower(xml::Attribute(child, "isPermaLink", "true")) != "false") {
        permalink = item.id;
      }
    } else if (IsRss(child, "pubDate")) {
      item.published = Text(child);
    } else if (IsRss(child, "author")) {
      item.authors.push_back(Text(child));
    } else if (IsRss(child, "category")) {
      v1::Entity subject;
      subject.set_name(Text(child));
      subject.set_scheme(xml::Attribute(child, "domain"));
      item.categories.push_back(std::move(subject));
    } else if (IsRss(child, "enclosure")) {
      item.links.push_back(Enclosure(child, "url", "length"));
    } else if (IsRss(child, "comments")) {
      v1::Link link;
      link.set_href(Stripped(child));
      link.set_rel("replies");
      item.links.push_back(std::move(link));
    } else if (IsIn(child, xml::kContent, "encoded")) {
      item.content = {Text(child), ItemText::Kind::kHtml};
    } else if (IsIn(child, xml::kXhtml, "body") ||
               (ns.empty() && Name(child) == "body")) {
      // xhtml:body, or a <body> some feeds write without its namespace.
      if (item.content.value.empty()) item.content = {xml::InnerXml(child), ItemText::Kind::kHtml};
    } else if (ns == xml::kDublinCore) {
      ReadDublinCore(child, item);
    } else if (ns == xml::kDcTerms) {
      // DCMI terms' dates: issued (or created) is when the item was first
      // out, modified when it last changed.
      const absl::string_view name = Name(child);
      if ((name == "issued" || name == "created") && item.published.empty()) {
        item.published = Text(child);
      } else if (name == "modified" && item.updated.empty()) {
        item.updated = Text(child);
      }
    } else if (IsIn(child, xml::kAtom10, "link")) {
      v1::Link link = xml::AtomLink(child);
      if (link.rel() == "alternate" && item.url.empty()) {
        item.url = link.href();
      } else if (link.rel() != "alternate" && link.rel() != "self") {
        item.links.push_back(std::move(link));
      }
    } else if (IsIn(child, xml::kAtom10, "updated")) {
      item.updated = Text(child);
    } else if (IsIn(child, xml::kMediaRss, "content")) {
      item.links.push_back(Enclosure(child, "url", "fileSize"));
    } else {
      ReadStandIn(child, extra);
    }
  });
  UseStandIns(std::move(extra), item);
  if (item.authors.empty() && !channel_author.empty())
    item.authors.push_back(channel_author);
  if (item.url.empty()) item.url = permalink;
  if (item.id.empty()) {
    // RSS 1.0 names each item by its rdf:about.
    for (const xmlAttr* attr = node->properties; attr != nullptr; attr = attr->next) {
      if (attr->ns != nullptr && xml::kRdf == reinterpret_cast<const char*>(attr->ns->href) &&
          absl::string_view(reinterpret_cast<const char*>(attr->name)) == "about" &&
          attr->children != nullptr && attr->children->content != nullptr) {
        item.id = reinterpret_cast<const char*>(attr->children->content);
      }
    }
  }
  return item;
}

std::string Version(const xmlNode* root, const xmlNode* channel) {
  if (Name(root) != "rss") {
    const bool rss090 = channel != nullptr ? Namespace(channel) == xml::kRss090
                                           : DeclaresRss090(root);
    return rss090 ? "rss090" : "rss10";
  }
  const std::string version(absl::StripAsciiWhitespace(xml::Attribute(root, "version")));
  // "2.01", "2.0.1": revisions of 2.0, not new versions.
  if (version == "2" || absl::StartsWith(version, "2.")) return "rss20";
  if (version == "0.91") return "rss091";
  if (version == "0.92") return "rss092";
  if (version == "0.93") return "rss093";
  if (version == "0.94") return "rss094";
  return "rss";
}

std::string PlainLine(const xmlNode* node) {
  return newswire::PlainLine(ItemText{Text(node), ItemText::Kind::kGuess});
}

}  // namespace

void ReadRss(const xmlNode* root, const FeedOptions& options, Feed& feed) {
  const xmlNode* channel = nullptr;
  ForEachChild(root, [&](const xmlNode* child) {
    if (channel == nullptr && IsRss(child, "channel")) channel = child;
  });
  feed.format = Name(root) == "rss" ? FeedFormat::kRss : FeedFormat::kRdf;
  feed.version = Version(root, channel);

  // The channel's author (atom:author, itunes:author) for items without one.
  std::string channel_author;
  if (channel != nullptr) {
    const std::string base = xml::BaseUrl(channel, options.base_url);
    std::string atom_link;
    ForEachChild(channel, [&](const xmlNode* child) {
      if (IsRss(child, "title")) {
        feed.title = PlainLine(child);
      } else if (IsRss(child, "link")) {
        if (feed.link.empty()) feed.link = NormalizeUrl(ResolveUrl(base, Text(child)));
      } else if (IsIn(child, xml::kAtom10, "link")) {
        const v1::Link link = xml::AtomLink(child);
        if (atom_link.empty() && link.rel() == "alternate" && !link.href().empty()) {
          atom_link = ResolveUrl(xml::BaseUrl(child, options.base_url), link.href());
        }
      } else if (IsIn(child, xml::kAtom10, "author") && channel_author.empty()) {
        channel_author = AtomPersonName(child);
      } else if (Name(child) == "author" &&
                 absl::EqualsIgnoreCase(Namespace(child), xml::kItunes) &&
                 channel_author.empty()) {
        channel_author = Text(child);
      } else if (IsRss(child, "description")) {
        feed.description = PlainLine(child);
      } else if (IsRss(child, "language") || IsIn(child, xml::kDublinCore, "language")) {
        feed.language = Stripped(child);
      } else if (IsIn(child, xml::kDublinCore, "title") && feed.title.empty()) {
        feed.title = PlainLine(child);
      }
    });
    if (feed.language.empty()) feed.language = xml::Language(channel);
    if (feed.link.empty() && !atom_link.empty()) feed.link = NormalizeUrl(atom_link);
  }
  const FeedContext context = ItemContext(feed, options);
  // Items sit in the channel (RSS 0.9x/2.0) or beside it (RDF).
  const auto read_items = [&](const xmlNode* parent) {
    ForEachChild(parent, [&](const xmlNode* child) {
      if (IsRss(child, "item"))
        AddItem(ReadItem(child, options, channel_author), context, feed);
    });
  };
  if (channel != nullptr) read_items(channel);
  read_items(root);
}

}  // namespace newswire
