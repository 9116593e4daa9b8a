// Prefixes feeds use without declaring them.
//
// Many RSS feeds write <content:encoded>, <media:content>, <dc:creator>,
// <atom:link> or <itunes:author> and never declare xmlns:content (and the
// rest). libxml2 then leaves such an element outside any namespace, named
// "content:encoded", and every reader that looks for the content module's
// element misses the body. BindUndeclaredPrefixes puts those elements and
// attributes in the namespace their prefix conventionally names.
#ifndef NEWSWIRE_CORE_INGEST_XML_PREFIXES_H_
#define NEWSWIRE_CORE_INGEST_XML_PREFIXES_H_

#include <libxml/tree.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace newswire {

// The namespace URI `prefix` conventionally names in feeds ("content" ->
// "http://purl.org/rss/1.0/modules/content/"); nullopt for a prefix without
// one. Known: content, dc, dcterms, media, atom, itunes, googleplay,
// podcast, rdf, slash, wfw, sy, thr, georss, geo, xhtml, feedburner.
std::optional<absl::string_view> WellKnownNamespace(absl::string_view prefix);

// For each element and attribute under `root` (itself included) whose name has a prefix
// no declaration in scope binds ("content:encoded" outside any namespace): when the
// prefix is well known, moves it into that namespace under its local name, declaring the
// prefix on the root element. Returns one note per prefix, in document order: `undeclared
// prefix "content:" read as http://purl.org/rss/1.0/modules/content/`, or, for one with
// no usual namespace, `undeclared prefix "foo:": its elements are not read`.
std::vector<std::string> BindUndeclaredPrefixes(xmlNode* root);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_INGEST_XML_PREFIXES_H_
