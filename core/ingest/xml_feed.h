// The XML feed formats: each reads a parsed document into a Feed.
#ifndef NEWSWIRE_CORE_INGEST_XML_FEED_H_
#define NEWSWIRE_CORE_INGEST_XML_FEED_H_

#include <libxml/tree.h>

#include <string>

#include "core/ingest/feed.h"
#include "core/ingest/item.h"

namespace newswire {

// RSS 0.9x/2.0 (root <rss>) and RSS 1.0 / 0.90 (root <rdf:RDF>): fills
// `feed`'s metadata, articles and notes.
void ReadRss(const xmlNode* root, const FeedOptions& options, Feed& feed);

// Atom 1.0 and 0.3 (root <feed>, or <entry> for an Atom Entry Document).
void ReadAtom(const xmlNode* root, const FeedOptions& options, Feed& feed);

// Atom's constructs, which RSS feeds also carry as atom:* elements.
// A text construct (title, summary, content): see atom.cc for its types
// and modes.
ItemText AtomText(const xmlNode* node);
// A person construct (author, contributor): the name, else the e-mail.
std::string AtomPersonName(const xmlNode* person);
// A category: label (else term) as name, term as code, scheme.
v1::Entity AtomCategory(const xmlNode* node);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_INGEST_XML_FEED_H_
