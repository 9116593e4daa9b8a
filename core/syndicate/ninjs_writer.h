// Writing articles out as IPTC ninjs 2.1 (News in JSON,
// https://iptc.org/standards/ninjs/), the version this server pins: every
// object names it in "standard" and validates against
// http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json (a copy is in
// tests/data/schemas). article.proto follows ninjs, so most fields map one
// to one; ParseFeed reads what WriteNinjs writes back to the same Articles.
#ifndef NEWSWIRE_CORE_SYNDICATE_NINJS_WRITER_H_
#define NEWSWIRE_CORE_SYNDICATE_NINJS_WRITER_H_

#include <string>

#include "core/syndicate/feed_writer.h"

namespace newswire {

inline constexpr char kNinjsVersion[] = "2.1";
inline constexpr char kNinjsSchemaUri[] =
    "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json";

// One ninjs 2.1 object for `article`:
//   uri            id                    type        "text"
//   version        version (a string)    standard    ninjs, 2.1, the schema
//   firstcreated / versioncreated        RFC 3339 in the article's own offset
//   embargoed      embargoed_until (UTC), when set
//   pubstatus      usable / withheld / canceled (a kill)
//   urgency        urgency, when set (1 flash ... 9)
//   language       language, when set
//   headlines      role "main": headline; role "sub": subheadline
//   descriptions   role "summary": summary
//   bodies         role "main": body_html as text/html (when there is
//                  HTML), then body_text as text/plain with its wordcount
//   by             byline                located     dateline
//   subjects, places, people, organisations: name, and the code as "uri"
//                  when it is a URI or QCode ("medtop:20000774"), else as
//                  "literal"
//   infosources    the source's name and home page
//   renditions     "web": canonical_url as text/html
//   altids         role "fingerprint": the content fingerprint
// ninjs 2.1 has no place for keywords, an entity's scheme, links other
// than the canonical page, or utc_offset_minutes (the times carry it).
std::string WriteNinjsObject(const Article& article);

// A JSON array of WriteNinjsObject, one per article of `page`, newest
// first. ninjs has no feed-level metadata: `page` is read for its articles
// only (the HTTP edge sends paging links as Link headers).
std::string WriteNinjs(const FeedPage& page);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_SYNDICATE_NINJS_WRITER_H_
