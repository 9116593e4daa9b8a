#include "core/ingest/url.h"

#include <array>
#include <cstddef>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace newswire {
namespace {

// The five components of a URI reference (RFC 3986 section 3). An undefined
// component is distinct from an empty one: "http://a/b?" has an empty query,
// "http://a/b" has none.
struct UrlParts {
  absl::string_view scheme;  // Empty when the reference is relative.
  bool has_authority = false;
  absl::string_view authority;
  absl::string_view path;
  bool has_query = false;
  absl::string_view query;
  bool has_fragment = false;
  absl::string_view fragment;
};

bool IsSchemeChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' ||
         c == '.';
}

// Returns the length of the scheme of `url` (without the ":"), or 0 if it has
// none.
size_t SchemeLength(absl::string_view url) {
  if (url.empty() || !absl::ascii_isalpha(static_cast<unsigned char>(url[0]))) return 0;
  for (size_t i = 1; i < url.size(); ++i) {
    if (url[i] == ':') return i;
    if (!IsSchemeChar(url[i])) return 0;
  }
  return 0;
}

// Splits `url` into its components as RFC 3986 appendix B does, except that
// a scheme must be a valid one (so "a b:c" is a relative path).
UrlParts SplitUrl(absl::string_view url) {
  UrlParts parts;
  if (size_t scheme = SchemeLength(url); scheme > 0) {
    parts.scheme = url.substr(0, scheme);
    url.remove_prefix(scheme + 1);
  }
  if (size_t hash = url.find('#'); hash != absl::string_view::npos) {
    parts.has_fragment = true;
    parts.fragment = url.substr(hash + 1);
    url = url.substr(0, hash);
  }
  if (size_t question = url.find('?'); question != absl::string_view::npos) {
    parts.has_query = true;
    parts.query = url.substr(question + 1);
    url = url.substr(0, question);
  }
  if (absl::StartsWith(url, "//")) {
    parts.has_authority = true;
    const size_t slash = url.find('/', 2);
    parts.authority =
        url.substr(2, slash == absl::string_view::npos ? url.npos : slash - 2);
    url = slash == absl::string_view::npos ? absl::string_view() : url.substr(slash);
  }
  parts.path = url;
  return parts;
}

// Removes the last segment of the path that starts at out[start], with its
// preceding "/" if any: step 2C of RFC 3986 section 5.2.4.
void RemoveLastSegment(size_t start, std::string& out) {
  const size_t slash = out.rfind('/');
  out.resize(slash == std::string::npos || slash < start ? start : slash);
}

// Appends `path` to `out` with its "." and ".." segments interpreted
// (remove_dot_segments, RFC 3986 section 5.2.4); the end of `out` serves as
// that section's output buffer.
void AppendWithoutDotSegments(absl::string_view path, std::string& out) {
  const size_t start = out.size();
  while (!path.empty()) {
    if (absl::StartsWith(path, "../")) {
      path.remove_prefix(3);
    } else if (absl::StartsWith(path, "./")) {
      path.remove_prefix(2);
    } else if (absl::StartsWith(path, "/./")) {
      path.remove_prefix(2);
    } else if (path == "/.") {
      path = "/";
    } else if (absl::StartsWith(path, "/../")) {
      path.remove_prefix(3);
      RemoveLastSegment(start, out);
    } else if (path == "/..") {
      path = "/";
      RemoveLastSegment(start, out);
    } else if (path == "." || path == "..") {
      path = absl::string_view();
    } else {
      // Moves the first segment, with its leading "/" if any.
      size_t end = path.find('/', 1);
      if (end == absl::string_view::npos) end = path.size();
      out.append(path.data(), end);
      path.remove_prefix(end);
    }
  }
}

// Returns whether `scheme` (already lowercase) may appear in a published link.
bool IsSafeScheme(absl::string_view scheme) {
  static constexpr std::array<absl::string_view, 5> kSafe = {"http", "https", "mailto",
                                                             "ftp", "tel"};
  for (absl::string_view safe : kSafe) {
    if (scheme == safe) return true;
  }
  return false;
}

}  // namespace

bool IsAbsoluteUrl(absl::string_view url) { return SchemeLength(url) > 0; }

std::string NormalizeUrl(absl::string_view url) {
  url = absl::StripAsciiWhitespace(url);
  if (!IsAbsoluteUrl(url)) return std::string(url);
  const UrlParts parts = SplitUrl(url);
  const std::string scheme = absl::AsciiStrToLower(parts.scheme);
  std::string out = absl::StrCat(scheme, ":");
  if (parts.has_authority) {
    // userinfo@host:port: only the host is case-insensitive.
    const size_t at = parts.authority.rfind('@');
    const size_t host_at = at == absl::string_view::npos ? 0 : at + 1;
    absl::StrAppend(&out, "//", parts.authority.substr(0, host_at),
                    absl::AsciiStrToLower(parts.authority.substr(host_at)));
  }
  if (parts.has_authority && parts.path.empty() && (scheme == "http" || scheme == "https")) {
    out.push_back('/');
  } else {
    out.append(parts.path.data(), parts.path.size());
  }
  if (parts.has_query) absl::StrAppend(&out, "?", parts.query);
  if (parts.has_fragment) absl::StrAppend(&out, "#", parts.fragment);
  return out;
}

std::string ResolveUrl(absl::string_view base, absl::string_view reference) {
  reference = absl::StripAsciiWhitespace(reference);
  base = absl::StripAsciiWhitespace(base);
  if (IsAbsoluteUrl(reference) || !IsAbsoluteUrl(base)) return std::string(reference);

  const UrlParts b = SplitUrl(base);
  const UrlParts r = SplitUrl(reference);

  std::string out;
  out.reserve(base.size() + reference.size() + 1);
  absl::StrAppend(&out, b.scheme, ":");
  const UrlParts& authority_from = r.has_authority ? r : b;
  if (authority_from.has_authority) absl::StrAppend(&out, "//", authority_from.authority);

  absl::string_view query;
  bool has_query = r.has_query;
  if (r.has_authority) {
    AppendWithoutDotSegments(r.path, out);
    query = r.query;
  } else if (r.path.empty()) {
    out.append(b.path.data(), b.path.size());
    has_query = r.has_query || b.has_query;
    query = r.has_query ? r.query : b.query;
  } else {
    if (r.path.front() == '/') {
      AppendWithoutDotSegments(r.path, out);
    } else {
      // Merge (section 5.2.3): the base path up to its last "/", then ours.
      std::string merged;
      if (b.has_authority && b.path.empty()) {
        merged.push_back('/');
      } else if (size_t slash = b.path.rfind('/'); slash != absl::string_view::npos) {
        merged.append(b.path.data(), slash + 1);
      }
      merged.append(r.path.data(), r.path.size());
      AppendWithoutDotSegments(merged, out);
    }
    query = r.query;
  }
  if (has_query) absl::StrAppend(&out, "?", query);
  if (r.has_fragment) absl::StrAppend(&out, "#", r.fragment);
  return out;
}

bool IsSafeLinkUrl(absl::string_view url) {
  size_t i = 0;
  while (i < url.size() && static_cast<unsigned char>(url[i]) <= 0x20) ++i;
  char scheme[8];  // Longer than any safe scheme; longer ones are unsafe.
  size_t length = 0;
  bool too_long = false;
  for (; i < url.size(); ++i) {
    const char c = url[i];
    // Browsers drop tabs and newlines anywhere in a URL before parsing it.
    if (c == '\t' || c == '\n' || c == '\r') continue;
    if (c == ':') break;
    const bool valid = length == 0 ? absl::ascii_isalpha(static_cast<unsigned char>(c))
                                   : IsSchemeChar(c);
    if (!valid) return true;  // No scheme: a relative reference.
    if (length < sizeof(scheme)) {
      scheme[length] = absl::ascii_tolower(static_cast<unsigned char>(c));
    } else {
      too_long = true;
    }
    ++length;
  }
  if (i == url.size() || length == 0) return true;  // No ":" or ":" first.
  return !too_long && IsSafeScheme(absl::string_view(scheme, length));
}

}  // namespace newswire
