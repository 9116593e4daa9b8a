// Article rules: normalization, validation, fingerprint and views.
//
// Every article passes through NormalizeArticle and then ValidateArticle on
// its way into the Store, whichever edge it came from (gRPC, CLI, Python,
// a parser), so these functions define what a stored article looks like.
#ifndef NEWSWIRE_CORE_MODEL_ARTICLE_H_
#define NEWSWIRE_CORE_MODEL_ARTICLE_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "newswire/v1/article.pb.h"
#include "newswire/v1/feed.pb.h"

namespace newswire {

using ::newswire::v1::Article;

// Limits enforced by ValidateArticle.
inline constexpr size_t kMaxHeadlineChars = 512;  // Unicode code points.
inline constexpr size_t kMaxIdBytes = 512;
inline constexpr size_t kMaxTextFieldBytes = 4 << 20;  // body_text and others.
inline constexpr uint32_t kMaxUrgency = 9;
// The highest version: a version a minute for almost two years. A version
// near 2^32 would leave no room for updates.
inline constexpr uint32_t kMaxVersion = 1000000;
// Entries in any one repeated field (places, subjects, links, ...), at any
// depth.
inline constexpr int kMaxRepeatedEntries = 500;
// A whole article, serialized: body_text and body_html at their limit and
// 1 MiB for everything else. Servers and clients take gRPC messages this
// large (plus their envelope), so a valid article always gets through.
inline constexpr size_t kMaxArticleBytes = 2 * kMaxTextFieldBytes + (1 << 20);
// A summary NormalizeArticle derives from the body, "…" included.
inline constexpr size_t kMaxDerivedSummaryBytes = 1000;

// Collapses each run of whitespace to one space and trims both ends.
std::string CollapseWhitespace(absl::string_view text);

// Returns the start of `text` up to byte `end`, cut back to its last space
// (or, in text without spaces such as Chinese, to its last whole
// character), then "…". For text known to be longer than wanted.
std::string CutAtWord(absl::string_view text, size_t end);

// Normalizes body text: paragraphs are separated by one or more blank lines
// in the input and by exactly "\n\n" in the output; whitespace inside a
// paragraph is collapsed.
std::string NormalizeBody(absl::string_view text);

// True for a URI as article ids must be: scheme ":" rest, no whitespace or
// control characters (IRIs, i.e. non-ASCII characters, are allowed).
bool IsUri(absl::string_view id);

// True for a BCP 47 language tag, checked for shape only: "en", "pt-BR",
// "zh-Hant-TW".
bool IsLanguageTag(absl::string_view tag);

// The link relation that marks an article as a near-duplicate of another:
// {rel: "duplicate-of", href: the other's id}.
inline constexpr char kDuplicateOfRel[] = "duplicate-of";

// True if `article` has a kDuplicateOfRel link.
bool IsNearDuplicate(const Article& article);

// Returns the number of Unicode code points in valid UTF-8 `text`.
size_t CountCodePoints(absl::string_view text);

// Returns true if `text` contains a letter, a digit, or a non-ASCII
// character outside Unicode's General Punctuation block (so "—", "…" and
// curly quotes alone are not words, "São" and "Київ" are).
bool HasWordCharacter(absl::string_view text);

// Counts the words of `text`: whitespace-separated tokens for which
// HasWordCharacter holds (so a lone "—" is not a word).
size_t CountWords(absl::string_view text);

// Returns the stable content fingerprint of `article`: the lowercase hex of
// the first 128 bits of SHA-256 over its text fields (headline, subheadline,
// byline, dateline, summary, body_text, language), each length-prefixed.
// The same content gives the same fingerprint on every run and machine.
// Whitespace is not normalized here: call it on a normalized article.
std::string Fingerprint(const Article& article);

// Returns the id newswire gives an article published without one:
// "urn:newswire:" + fingerprint.
std::string DerivedId(absl::string_view fingerprint);

// Brings the content of `article` into canonical form, in place:
//  - control characters removed from every string field, nested ones
//    (places, links, source, ...) included: RemoveControlCharacters
//    (control_characters.h), with line breaks kept in body_text and
//    body_html only;
//  - whitespace collapsed in one-line fields, paragraphs normalized in body;
//  - summary defaults to the first paragraph of the body;
//  - fingerprint, word_count and simhash (SimHash of body_text) are
//    recomputed (any sent value is replaced);
//  - id defaults to DerivedId(fingerprint), version to 1, pub_status to
//    USABLE.
// Leaves timestamps alone (the Store fills them) and does not validate:
// call ValidateArticle afterwards. Idempotent.
void NormalizeArticle(Article& article);

// Returns OK if `article` may be stored, else INVALID_ARGUMENT whose message
// names the offending field: headline missing, too long or not one line; id
// not a URI; version 0 or over kMaxVersion; urgency above 9; text not valid
// UTF-8; a field over its size limit; a repeated field with more than
// kMaxRepeatedEntries entries; the whole over kMaxArticleBytes.
absl::Status ValidateArticle(const Article& article);

// Returns INVALID_ARGUMENT naming the article (its id, quoted) and its size
// when `article` serializes to more than kMaxArticleBytes, else OK. Clients
// check this before sending, so an article too large is refused by name
// rather than by the transport.
absl::Status CheckArticleSize(const Article& article);

// Returns INVALID_ARGUMENT "<field>: N bytes is over the limit of 512" when
// `id` is longer than kMaxIdBytes, else OK. Every request naming an article
// or an API key by id is held to this, as every stored article is.
absl::Status CheckIdSize(absl::string_view field, absl::string_view id);

// Returns the HEADLINE view of `article`: id, version, headline, dateline,
// summary, source, first_created, urgency, subjects and places.
Article HeadlineView(const Article& article);

// Returns `article` in `view` (HEADLINE for UNSPECIFIED).
Article ArticleInView(const Article& article, v1::ArticleView view);

// Conversions between absl::Time and google.protobuf.Timestamp.
google::protobuf::Timestamp ToProtoTime(absl::Time time);
absl::Time FromProtoTime(const google::protobuf::Timestamp& timestamp);

// Returns the length of the well-formed UTF-8 sequence that starts at byte
// `at` of `text` (1 for ASCII, up to 4), or 0 if none starts there.
// REQUIRES: at < text.size().
size_t Utf8SequenceLength(absl::string_view text, size_t at);

// Returns the byte offset of the first byte of `text` that does not start a
// well-formed UTF-8 sequence (overlong forms, surrogates and code points
// past U+10FFFF are ill-formed), or absl::string_view::npos if all is valid.
size_t InvalidUtf8Offset(absl::string_view text);

// Returns true if `text` is well-formed UTF-8.
inline bool IsValidUtf8(absl::string_view text) {
  return InvalidUtf8Offset(text) == absl::string_view::npos;
}

}  // namespace newswire

#endif  // NEWSWIRE_CORE_MODEL_ARTICLE_H_
