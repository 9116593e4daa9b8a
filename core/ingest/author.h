// Authors as feeds write them: a name, a name with an address, or an
// address alone.
#ifndef NEWSWIRE_CORE_INGEST_AUTHOR_H_
#define NEWSWIRE_CORE_INGEST_AUTHOR_H_

#include <string>

#include "absl/strings/string_view.h"

namespace newswire {

struct Author {
  std::string name;     // For the byline; empty when there is none.
  std::string address;  // The e-mail address given, if any.
  // True when the text was an address alone ("jo@example.org"): `name`, if
  // any, was read from the address, and the address is all the feed said.
  bool address_only = false;
};

// Reads one author:
//   "Jo Bloggs"                    -> name "Jo Bloggs"
//   "jo@example.org (Jo Bloggs)"   -> name "Jo Bloggs", address (RSS style)
//   "Jo Bloggs <jo@example.org>"   -> name "Jo Bloggs", address
//   "Jo Bloggs (jo@example.org)"   -> name "Jo Bloggs", address
//   "jane.doe@example.org"         -> name "Jane Doe", address, address_only
//   "editor@example.org", "jdoe@example.org", "mailto:news@example.org"
//                                  -> no name, address, address_only
// An address alone gives a name only when its local part is a real name:
// two to four words of letters joined by '.', '_' or '-', none of them a
// role ("news", "editor", "noreply", "info", ...); the words are then
// capitalized. "jdoe" could be anyone and "news.desk" is nobody, so those
// give none. Whitespace is trimmed; nothing is HTML-decoded here.
Author ParseAuthor(absl::string_view text);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_INGEST_AUTHOR_H_
