// Parsing untrusted XML safely: the one place newswire calls libxml2's XML
// parser.
//
// Why libxml2 (Debian libxml2-dev): one library gives a fast, fuzzed XML
// parser with a recovery mode for the malformed feeds real publishers emit,
// entity-expansion limits, and an HTML parser for the HTML inside feed items.
// expat has no HTML parser or recovery; pugixml neither, nor DTD handling.
#ifndef NEWSWIRE_CORE_INGEST_XML_DOCUMENT_H_
#define NEWSWIRE_CORE_INGEST_XML_DOCUMENT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

typedef struct _xmlDoc xmlDoc;
typedef struct _xmlNode xmlNode;

namespace newswire {

// Limits on every XML input.
inline constexpr size_t kMaxXmlBytes = 32 << 20;
// Elements nested deeper than this are refused (libxml2's own default).
inline constexpr int kMaxXmlDepth = 256;
// Entities declared in the DOCTYPE may add this much text to a document in
// all, or as much as the document's own size if that is more; and there may
// be about this many references (libxml2 looks some up twice) to those
// whose replacement text holds markup or references, and from inside
// replacement text. A document that asks for more is refused.
inline constexpr size_t kMinEntityTextBudget = 1 << 20;
inline constexpr size_t kMaxCopiedEntityReferences = 1000;

// A parsed document. Movable, owns its tree.
class XmlDocument {
 public:
  // Parses UTF-8 `text` (an XML declaration naming another encoding is
  // ignored: DecodeFeedBytes has converted the bytes already).
  //
  // Safety, whatever the input: no file or network resource is ever read
  // (external entities, external DTDs and XInclude are never loaded; such
  // an entity reference is dropped); internal entities declared in the
  // DOCTYPE are expanded, in time linear in the text they add, but an
  // expansion past kMinEntityTextBudget (billion laughs, quadratic blowup)
  // or one that loops is refused; HTML's named entities (&copy; &nbsp;
  // &hellip; ...), which feeds use without declaring them, are read as the
  // characters they name, in text and in attribute values.
  //
  // A document that is not well-formed is recovered where libxml2 can (an
  // unescaped '&', a mismatched end tag) and `well_formed()` is false, with
  // the first error in `first_error()`. A namespace prefix used without a
  // declaration is such an error (the document is not namespace-well-formed);
  // the element keeps its prefixed name, outside any namespace, for
  // BindUndeclaredPrefixes. Returns INVALID_ARGUMENT, with the
  // line and libxml2's message, when nothing usable remains (no root
  // element, or the document ends inside its root element: truncated), for
  // refused entity expansion, and for input over kMaxXmlBytes or nesting
  // deeper than kMaxXmlDepth.
  static absl::StatusOr<XmlDocument> Parse(absl::string_view text);

  // The root element. Never null.
  xmlNode* root() const;
  bool well_formed() const { return first_error_.empty(); }
  // "line 3: Opening and ending tag mismatch: ...", empty if well-formed.
  const std::string& first_error() const { return first_error_; }

 private:
  struct FreeDoc {
    void operator()(xmlDoc* doc) const;
  };
  XmlDocument(xmlDoc* doc, std::string first_error);

  std::unique_ptr<xmlDoc, FreeDoc> doc_;
  std::string first_error_;
};

}  // namespace newswire

#endif  // NEWSWIRE_CORE_INGEST_XML_DOCUMENT_H_
