#include "core/ingest/xml_document.h"

#include <libxml/HTMLparser.h>
#include <libxml/SAX2.h>
#include <libxml/entities.h>
#include <libxml/hash.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#include <algorithm>
#include <mutex>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
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
  // The document's own entities (see DeclaredEntity): bytes of text they
  // have added, the most allowed, and references libxml2 copies.
  size_t entity_bytes = 0;
  size_t entity_budget = 0;
  size_t copied_entity_references = 0;
  // Entities made for this parse and freed after it (see PerParseEntity): the
  // document's text-only entities as predefined ones, and HTML's named
  // entities as general ones for attribute values.
  xmlEntitiesTablePtr text_entities = nullptr;
  xmlEntitiesTablePtr attribute_entities = nullptr;
};

constexpr absl::string_view kExpansionRefused =
    ": entity expansion refused (it loops or grows out of proportion to the document)";

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
                       ? absl::StrCat("line ", error->line, kExpansionRefused)
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

// The entity `name` in `table`, made on first use as one of `type` with
// `content`; the table, created on first use, owns it. nullptr when out of
// memory.
xmlEntityPtr PerParseEntity(xmlEntitiesTablePtr& table, const xmlChar* name,
                            xmlEntityType type, const xmlChar* content) {
  if (table == nullptr) table = xmlCreateEntitiesTable();
  if (table == nullptr) return nullptr;
  auto* entity = static_cast<xmlEntityPtr>(xmlHashLookup(table, name));
  if (entity == nullptr) {
    entity = xmlNewEntity(nullptr, name, type, nullptr, nullptr, content);
    if (entity != nullptr && xmlHashAddEntry(table, name, entity) != 0) return nullptr;
  }
  return entity;
}

// Bytes of text one more reference to `entity` adds: its parsed content
// (children to last, which may be linked into the document) once the parser
// has it, references inside included; else its replacement text.
size_t ExpansionBytes(const xmlEntity& entity) {
  if (entity.children == nullptr) return static_cast<size_t>(std::max(entity.length, 0));
  size_t bytes = 0;
  for (const xmlNode* top = entity.children; top != nullptr; top = top->next) {
    const xmlNode* node = top;
    while (true) {
      bytes +=
          node->content != nullptr ? static_cast<size_t>(xmlStrlen(node->content)) : 1;
      if (node->type == XML_ELEMENT_NODE && node->children != nullptr) {
        node = node->children;
        continue;
      }
      while (node != top && node->next == nullptr) node = node->parent;
      if (node == top) break;
      node = node->next;
    }
    if (top == entity.last) break;
  }
  return bytes;
}

// An internal entity the document declares, as the parser is to inline it;
// nullptr, with parsing stopped, when that would pass the budget.
//
// libxml2 inlines a declared entity by copying its parsed content, and
// merges copied text into the text before it by measuring that text again
// (xmlStrncat): references in one run of text cost time quadratic in their
// number (600 KB of "&a;" took 16 s) long before its own limit on copied
// bytes (10 MB) refuses them. So in the document's text, an entity whose
// replacement text has no markup or references ('<', '&') is given as a
// predefined entity with the same text, which libxml2 appends in amortized
// constant time. The references it still copies, to the other entities and
// from inside replacement text (depth > 0, where libxml2's own count of
// nested references refuses billion laughs), are capped
// (kMaxCopiedEntityReferences). In attribute values libxml2 copies
// replacement text into a growing buffer.
xmlEntityPtr DeclaredEntity(xmlParserCtxtPtr ctxt, ParseState& state,
                            xmlEntityPtr entity) {
  const bool text_only = entity->content != nullptr &&
                         xmlStrchr(entity->content, '<') == nullptr &&
                         xmlStrchr(entity->content, '&') == nullptr;
  const bool copied = !text_only || ctxt->depth > 0;
  state.entity_bytes += ExpansionBytes(*entity);
  if (copied) ++state.copied_entity_references;
  if (state.entity_bytes > state.entity_budget ||
      state.copied_entity_references > kMaxCopiedEntityReferences) {
    if (state.fatal.empty()) {
      state.fatal = absl::StrCat("line ", xmlSAX2GetLineNumber(ctxt), kExpansionRefused);
    }
    xmlStopParser(ctxt);
    return nullptr;
  }
  if (copied || ctxt->instate == XML_PARSER_ATTRIBUTE_VALUE) return entity;
  xmlEntityPtr text = PerParseEntity(state.text_entities, entity->name,
                                     XML_INTERNAL_PREDEFINED_ENTITY, entity->content);
  return text != nullptr ? text : entity;
}

// The document's own internal entities; HTML's named ones for names it did
// not declare. External entities are never resolved: loading them is how
// XML parsers leak files and reach the network.
xmlEntityPtr GetEntity(void* user_data, const xmlChar* name) {
  auto* ctxt = static_cast<xmlParserCtxtPtr>(user_data);
  if (ctxt == nullptr || ctxt->_private == nullptr) return nullptr;
  ParseState& state = *static_cast<ParseState*>(ctxt->_private);
  xmlEntityPtr entity =
      ctxt->myDoc != nullptr ? xmlGetDocEntity(ctxt->myDoc, name) : nullptr;
  if (entity == nullptr) {
    xmlEntityPtr html = HtmlEntity(name);
    // In an attribute value libxml2 (2.9) keeps only the first byte of a
    // predefined entity's text; a general entity's it keeps whole.
    if (html != nullptr && ctxt->instate == XML_PARSER_ATTRIBUTE_VALUE) {
      xmlEntityPtr general = PerParseEntity(state.attribute_entities, name,
                                            XML_INTERNAL_GENERAL_ENTITY, html->content);
      if (general != nullptr) return general;
    }
    return html;
  }
  if (entity->etype == XML_INTERNAL_PREDEFINED_ENTITY) return entity;  // &lt; &amp; ...
  if (entity->etype != XML_INTERNAL_GENERAL_ENTITY) {
    return nullptr;  // External: the reference is dropped.
  }
  return DeclaredEntity(ctxt, state, entity);
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

// The names of the general entities `prolog` declares ("<!ENTITY name"),
// gathered once: looking each reference up in the prolog took time
// proportional to the prolog times the references.
absl::flat_hash_set<std::string> DeclaredEntityNames(absl::string_view prolog) {
  absl::flat_hash_set<std::string> names;
  constexpr absl::string_view kEntity = "<!ENTITY";
  for (size_t at = prolog.find(kEntity); at != absl::string_view::npos;
       at = prolog.find(kEntity, at + kEntity.size())) {
    size_t i = at + kEntity.size();
    const size_t space = i;
    while (i < prolog.size() &&
           absl::ascii_isspace(static_cast<unsigned char>(prolog[i]))) {
      ++i;
    }
    // No space after "<!ENTITY", or a parameter entity ("<!ENTITY % name").
    if (i == space || i == prolog.size() || !IsNameStart(prolog[i])) continue;
    const size_t name = i;
    while (i < prolog.size() && IsNameChar(prolog[i])) ++i;
    names.emplace(prolog.substr(name, i - name));
  }
  return names;
}

// The length of a reference that will resolve ("&amp;", "&#38;", "&#x26;",
// "&copy;", "&declared;") at the start of `text`, or 0 for a stray '&'.
size_t ReferenceLength(absl::string_view text,
                       const absl::flat_hash_set<std::string>& declared) {
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
  const absl::string_view name = text.substr(1, i - 1);
  if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos") {
    return i + 1;  // The usual case: no copy, no lookup.
  }
  if (declared.contains(name)) return i + 1;
  char html_name[16];  // Longer than any HTML entity name, with its NUL.
  if (name.size() >= sizeof(html_name)) return 0;
  name.copy(html_name, name.size());
  html_name[name.size()] = '\0';
  return htmlEntityLookup(reinterpret_cast<const xmlChar*>(html_name)) != nullptr ? i + 1 : 0;
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
  const absl::flat_hash_set<std::string> declared =
      DeclaredEntityNames(text.substr(0, root == absl::string_view::npos ? 0 : root));
  size_t copied = 0;
  for (size_t i = text.find_first_of("<&"); i != absl::string_view::npos;
       i = text.find_first_of("<&", i + 1)) {
    if (text[i] == '<') {
      absl::string_view close;
      const absl::string_view rest = text.substr(i);
      if (absl::StartsWith(rest, "<!--")) close = "-->";
      else if (absl::StartsWith(rest, "<![CDATA[")) close = "]]>";
      else if (absl::StartsWith(rest, "<?")) close = "?>";
      if (close.empty()) continue;
      const size_t end = text.find(close, i);
      if (end == absl::string_view::npos) break;
      i = end + close.size() - 1;
    } else if (ReferenceLength(text.substr(i), declared) == 0) {
      if (repair.first_line == 0) {
        repair.first_line =
            1 + static_cast<int>(std::count(text.begin(), text.begin() + i, '\n'));
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

struct FreeEntities {
  void operator()(xmlEntitiesTablePtr table) const { xmlFreeEntitiesTable(table); }
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
  state.entity_budget = std::max(kMinEntityTextBudget, text.size());
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
  // Nothing in `doc` refers to the entities made for the parse.
  const std::unique_ptr<xmlHashTable, FreeEntities> text_entities(state.text_entities);
  const std::unique_ptr<xmlHashTable, FreeEntities> attribute_entities(
      state.attribute_entities);
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
