// The XML feed formats: each reads a parsed document into a Feed.
#ifndef NEWSWIRE_CORE_INGEST_XML_FEED_H_
#define NEWSWIRE_CORE_INGEST_XML_FEED_H_

#include <libxml/tree.h>

#include "core/ingest/feed.h"

namespace newswire {

// RSS 0.9x/2.0 (root <rss>) and RSS 1.0 / 0.90 (root <rdf:RDF>): fills
// `feed`'s metadata, articles and notes.
void ReadRss(const xmlNode* root, const FeedOptions& options, Feed& feed);

// Atom 1.0 and 0.3 (root <feed>, or <entry> for an Atom Entry Document).
void ReadAtom(const xmlNode* root, const FeedOptions& options, Feed& feed);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_INGEST_XML_FEED_H_
