// Reading libxml2 trees for the XML feed formats (rss.cc, atom.cc).
#ifndef NEWSWIRE_CORE_INGEST_XML_NODES_H_
#define NEWSWIRE_CORE_INGEST_XML_NODES_H_

#include <libxml/tree.h>

#include <string>

#include "absl/strings/string_view.h"
#include "core/model/article.h"

namespace newswire::xml {

inline constexpr absl::string_view kAtom10 = "http://www.w3.org/2005/Atom";
inline constexpr absl::string_view kAtom03 = "http://purl.org/atom/ns#";
inline constexpr absl::string_view kRdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
inline constexpr absl::string_view kRss10 = "http://purl.org/rss/1.0/";
inline constexpr absl::string_view kRss090 = "http://my.netscape.com/rdf/simple/0.9/";
inline constexpr absl::string_view kDublinCore = "http://purl.org/dc/elements/1.1/";
inline constexpr absl::string_view kDcTerms = "http://purl.org/dc/terms/";
inline constexpr absl::string_view kContent = "http://purl.org/rss/1.0/modules/content/";
inline constexpr absl::string_view kXhtml = "http://www.w3.org/1999/xhtml";
inline constexpr absl::string_view kMediaRss = "http://search.yahoo.com/mrss/";
inline constexpr absl::string_view kItunes = "http://www.itunes.com/dtds/podcast-1.0.dtd";

// The element's local name ("title" for <dc:title>).
absl::string_view Name(const xmlNode* node);
// The element's namespace URI; empty for none.
absl::string_view Namespace(const xmlNode* node);

// Calls `visit` for each child element of `node`, in order.
template <typename Visit>
void ForEachChild(const xmlNode* node, Visit&& visit) {
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type == XML_ELEMENT_NODE) visit(child);
  }
}

// All text inside `node` (entities and CDATA already read as text), C1
// controls read as windows-1252 (ReplaceC1Controls).
std::string Text(const xmlNode* node);
// True when `node` has element children, as an RSS description with
// unescaped HTML in it.
bool HasElementChildren(const xmlNode* node);
// The children of `node` written back as markup (XHTML content).
std::string InnerXml(const xmlNode* node);
// The value of attribute `name` (no namespace), or `fallback`.
std::string Attribute(const xmlNode* node, const char* name, absl::string_view fallback = "");
// The value of xml:`name` ("base", "lang") on `node` itself.
std::string XmlAttribute(const xmlNode* node, const char* name);
// The base URL in effect at `node`: `document_base` resolved through every
// xml:base from the root down to `node`.
std::string BaseUrl(const xmlNode* node, absl::string_view document_base);
// The xml:lang in effect at `node` (nearest ancestor-or-self), or empty.
std::string Language(const xmlNode* node);

// An Atom <link> element (in an Atom feed, or atom:link in RSS) as a Link:
// href as written (trimmed, not resolved), rel ("alternate" when absent),
// type, title and length.
v1::Link AtomLink(const xmlNode* node);

// A byte count as feeds write it ("12345", with spaces around), 0 if none.
uint64_t ByteLength(absl::string_view text);

}  // namespace newswire::xml

#endif  // NEWSWIRE_CORE_INGEST_XML_NODES_H_
