#include "core/ingest/xml_document.h"

#include <libxml/HTMLparser.h>
#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#include <mutex>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace newswire {
namespace {

// What one parse learns through libxml2's callbacks (ctxt->_private).
struct ParseState {
  std::string first_error;
  int first_error_code = 0;
  std::string fatal;  // Set for errors no recovery can make usable.
};

std::string LineMessage(const xmlError& error) {
  std::string message = error.message != nullptr ? error.message : "malformed XML";
  absl::StripTrailingAsciiWhitespace(&message);
  return absl::StrCat("line ", error.line, ": ", message);
}

// Errors after which the document is refused rather than recovered.
bool IsFatal(const xmlError& error) {
  switch (error.code) {
    case XML_ERR_ENTITY_LOOP:
    case XML_ERR_ENTITY_BOUNDARY:
    case XML_ERR_NO_MEMORY:
    case XML_ERR_DOCUMENT_EMPTY:
    case XML_ERR_TAG_NOT_FINISHED:  // The input ends inside an element.
      return true;
    case XML_ERR_INTERNAL_ERROR:  // Among others, "Excessive depth".
      return true;
    default:
      return false;
  }
}

void OnError(void* user_data, xmlErrorPtr error) {
  auto* ctxt = static_cast<xmlParserCtxtPtr>(user_data);
  if (ctxt == nullptr || ctxt->_private == nullptr || error == nullptr) return;
  if (error->level == XML_ERR_WARNING) return;
  auto* state = static_cast<ParseState*>(ctxt->_private);
  if (state->first_error.empty()) {
    state->first_error = LineMessage(*error);
    state->first_error_code = error->code;
  }
  if (state->fatal.empty() && IsFatal(*error)) {
    state->fatal = error->code == XML_ERR_ENTITY_LOOP
                       ? absl::StrCat("line ", error->line,
                                      ": entity expansion refused (it loops or grows "
                                      "out of proportion to the document)")
                       : LineMessage(*error);
  }
}

// An HTML named entity (&copy;, &nbsp;, ...) as a predefined XML entity, so
// the parser inlines its text. Made once per name and kept for the life of
// the process (there are 253 names).
xmlEntityPtr HtmlEntity(const xmlChar* name) {
  const htmlEntityDesc* desc = htmlEntityLookup(name);
  if (desc == nullptr) return nullptr;
  static absl::Mutex mu(absl::kConstInit);
  static auto* made ABSL_GUARDED_BY(mu) = new absl::flat_hash_map<std::string, xmlEntityPtr>();
  absl::MutexLock lock(&mu);
  xmlEntityPtr& entity = (*made)[reinterpret_cast<const char*>(name)];
  if (entity == nullptr) {
    xmlChar utf8[8] = {};
    const int size = xmlCopyCharMultiByte(utf8, static_cast<int>(desc->value));
    if (size <= 0) return nullptr;
    utf8[size] = 0;
    entity = xmlNewEntity(nullptr, name, XML_INTERNAL_PREDEFINED_ENTITY, nullptr, nullptr, utf8);
  }
  return entity;
}

// The document's own internal entities; HTML's named ones for names it did
// not declare. External entities are never resolved: loading them is how
// XML parsers leak files and reach the network.
xmlEntityPtr GetEntity(void* user_data, const xmlChar* name) {
  auto* ctxt = static_cast<xmlParserCtxtPtr>(user_data);
  xmlEntityPtr entity = nullptr;
  if (ctxt != nullptr && ctxt->myDoc != nullptr) entity = xmlGetDocEntity(ctxt->myDoc, name);
  if (entity != nullptr) {
    if (entity->etype == XML_INTERNAL_GENERAL_ENTITY ||
        entity->etype == XML_INTERNAL_PREDEFINED_ENTITY) {
      return entity;
    }
    return nullptr;  // External: the reference is dropped.
  }
  return HtmlEntity(name);
}

// Installed process-wide once: nothing newswire parses may load a URL or a
// file, whatever the parser options say.
xmlParserInputPtr RefuseExternalResource(const char* /*url*/, const char* /*id*/,
                                         xmlParserCtxtPtr /*ctxt*/) {
  return nullptr;
}

void InitLibxml() {
  static std::once_flag once;
  std::call_once(once, [] {
    xmlInitParser();
    xmlSetExternalEntityLoader(RefuseExternalResource);
  });
}

bool IsNameStart(char c) { return absl::ascii_isalpha(c) || c == '_' || c == ':'; }
bool IsNameChar(char c) {
  return absl::ascii_isalnum(c) || c == '_' || c == ':' || c == '.' || c == '-';
}

// The length of a reference that will resolve ("&amp;", "&#38;", "&#x26;",
// "&copy;", "&declared;") at the start of `text`, or 0 for a stray '&'.
size_t ReferenceLength(absl::string_view text, absl::string_view prolog) {
  size_t i = 1;
  if (i < text.size() && text[i] == '#') {
    ++i;
    const bool hex = i < text.size() && (text[i] == 'x' || text[i] == 'X');
    if (hex) ++i;
    const size_t digits = i;
    while (i < text.size() && (hex ? absl::ascii_isxdigit(text[i]) : absl::ascii_isdigit(text[i]))) ++i;
    return i > digits && i < text.size() && text[i] == ';' ? i + 1 : 0;
  }
  if (i >= text.size() || !IsNameStart(text[i])) return 0;
  while (i < text.size() && IsNameChar(text[i])) ++i;
  if (i >= text.size() || text[i] != ';') return 0;
  const std::string name(text.substr(1, i - 1));
  const bool known = name == "amp" || name == "lt" || name == "gt" || name == "quot" ||
                     name == "apos" ||
                     htmlEntityLookup(reinterpret_cast<const xmlChar*>(name.c_str())) != nullptr ||
                     prolog.find(absl::StrCat("<!ENTITY ", name)) != absl::string_view::npos;
  return known ? i + 1 : 0;
}

// Feeds are full of bare '&' ("AT&T", "?a=1&b=2"), which XML forbids. After
// a well-formedness error libxml2 drops every entity reference that
// follows, so "AT&T &amp; co" would lose more than the '&'. Escapes each
// '&' outside comments, CDATA and processing instructions that starts no
// resolvable reference. Returns the repaired text and the line of the first
// repair, or no text when there was nothing to repair.
struct Repair {
  std::string text;
  int first_line = 0;
};
Repair EscapeStrayAmpersands(absl::string_view text) {
  Repair repair;
  const size_t root = text.find("<!DOCTYPE") == absl::string_view::npos ? 0 : text.find("]>");
  const absl::string_view prolog = text.substr(0, root == absl::string_view::npos ? 0 : root);
  size_t copied = 0;
  int line = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
    } else if (c == '<') {
      absl::string_view close;
      const absl::string_view rest = text.substr(i);
      if (absl::StartsWith(rest, "<!--")) close = "-->";
      else if (absl::StartsWith(rest, "<![CDATA[")) close = "]]>";
      else if (absl::StartsWith(rest, "<?")) close = "?>";
      if (close.empty()) continue;
      const size_t end = text.find(close, i);
      const size_t stop = end == absl::string_view::npos ? text.size() : end + close.size();
      for (size_t j = i; j < stop; ++j) line += text[j] == '\n';
      i = stop - 1;
    } else if (c == '&' && ReferenceLength(text.substr(i), prolog) == 0) {
      if (repair.first_line == 0) {
        repair.first_line = line;
        repair.text.reserve(text.size() + 64);
      }
      absl::StrAppend(&repair.text, text.substr(copied, i - copied), "&amp;");
      copied = i + 1;
    }
  }
  if (repair.first_line != 0) absl::StrAppend(&repair.text, text.substr(copied));
  return repair;
}

struct FreeContext {
  void operator()(xmlParserCtxtPtr ctxt) const { xmlFreeParserCtxt(ctxt); }
};

}  // namespace

void XmlDocument::FreeDoc::operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }

XmlDocument::XmlDocument(xmlDoc* doc, std::string first_error)
    : doc_(doc), first_error_(std::move(first_error)) {}

xmlNode* XmlDocument::root() const { return xmlDocGetRootElement(doc_.get()); }

absl::StatusOr<XmlDocument> XmlDocument::Parse(absl::string_view text) {
  if (text.size() > kMaxXmlBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "XML document of ", text.size(), " bytes is over the limit of ", kMaxXmlBytes));
  }
  InitLibxml();
  // Whitespace before the XML declaration is an error to libxml2 and a
  // common slip of feed generators; it means nothing.
  if (absl::string_view trimmed = absl::StripLeadingAsciiWhitespace(text);
      absl::StartsWith(trimmed, "<?xml")) {
    text = trimmed;
  }
  Repair repair = EscapeStrayAmpersands(text);
  if (repair.first_line != 0) text = repair.text;
  std::unique_ptr<xmlParserCtxt, FreeContext> ctxt(xmlNewParserCtxt());
  if (ctxt == nullptr) return absl::ResourceExhaustedError("libxml2: out of memory");
  ParseState state;
  ctxt->_private = &state;
  ctxt->sax->getEntity = GetEntity;
  ctxt->sax->serror = OnError;
  ctxt->sax->error = nullptr;
  ctxt->sax->warning = nullptr;
  ctxt->vctxt.error = nullptr;
  ctxt->vctxt.warning = nullptr;
  const int options = XML_PARSE_RECOVER | XML_PARSE_NOENT | XML_PARSE_NONET |
                      XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA |
                      XML_PARSE_IGNORE_ENC | XML_PARSE_COMPACT;
  xmlDoc* doc = xmlCtxtReadMemory(ctxt.get(), text.data(), static_cast<int>(text.size()),
                                  nullptr, "UTF-8", options);
  if (repair.first_line != 0 && state.first_error.empty()) {
    state.first_error = absl::StrCat("line ", repair.first_line,
                                     ": '&' that starts no entity reference, read as text");
  }
  XmlDocument document(doc, state.first_error);
  if (!state.fatal.empty()) return absl::InvalidArgumentError(state.fatal);
  if (doc == nullptr || xmlDocGetRootElement(doc) == nullptr) {
    return absl::InvalidArgumentError(
        state.first_error.empty() ? "not an XML document: no root element"
                                  : absl::StrCat("not an XML document: ", state.first_error));
  }
  return document;
}

}  // namespace newswire
