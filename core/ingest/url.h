// URL references in feeds: resolving relative links and telling safe links
// from script.
//
// Feeds carry links relative to the feed or to an xml:base ("/2024/05/story",
// "../img/a.jpg", "?page=2"), and HTML in feeds carries links a reader's
// browser would follow. These functions work on the text of a URL only; they
// never fetch, percent-encode or decode anything.
#ifndef NEWSWIRE_CORE_INGEST_URL_H_
#define NEWSWIRE_CORE_INGEST_URL_H_

#include <string>

#include "absl/strings/string_view.h"

namespace newswire {

// Resolves `reference` against `base` as RFC 3986 section 5 does (strict
// parser): network-path ("//host/p"), absolute-path, relative-path,
// query-only ("?q"), fragment-only ("#f") and empty references, with
// remove_dot_segments on the result's path; a base fragment never carries
// over. ASCII whitespace around either argument is ignored; whitespace inside
// is kept as it is.
//
// Returns `reference`, trimmed of surrounding whitespace but otherwise
// unchanged, when it is already absolute (IsAbsoluteUrl) or when `base` is
// empty or not absolute.
std::string ResolveUrl(absl::string_view base, absl::string_view reference);

// True when `url` starts with a scheme followed by ":", as RFC 3986 defines
// one: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ). Leading whitespace is not
// skipped: " http://x" is not absolute.
bool IsAbsoluteUrl(absl::string_view url);

// `url` in the form URL libraries compare: scheme and host in lowercase,
// and "/" for the empty path of an http(s) URL ("HTTP://Example.COM" ->
// "http://example.com/"). Percent-encoding, userinfo, path, query and
// fragment are left as they are; so is a relative reference.
std::string NormalizeUrl(absl::string_view url);

// True for the URLs a link in published HTML may carry: relative references
// (including "", "//host/p" and "#f") and the schemes http, https, mailto,
// ftp and tel. False for javascript:, data:, vbscript: and every other
// scheme. Reads the scheme as a browser does: case-insensitively, after
// skipping leading spaces and control characters (bytes up to 0x20), and
// ignoring tabs, CRs and LFs anywhere in it ("java\tscript:" is javascript:).
bool IsSafeLinkUrl(absl::string_view url);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_INGEST_URL_H_
