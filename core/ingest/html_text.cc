#include "core/ingest/html_text.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "core/ingest/decode.h"
#include "core/ingest/url.h"

namespace newswire {
namespace {

// What an element does to text and sanitized HTML.
enum ElementFlag : uint8_t {
  kBlock = 1 << 0,    // Ends a paragraph of text.
  kCell = 1 << 1,     // Separated from its neighbours by a space in text.
  kDropped = 1 << 2,  // Dropped with all its content.
  kKept = 1 << 3,     // Kept in sanitized HTML.
  kAsDiv = 1 << 4,    // Written as <div> in sanitized HTML.
  kVoid = 1 << 5,     // Has no content and no end tag.
};

// The attributes sanitized HTML keeps on an element.
enum class AttributeSet : uint8_t {
  kNone,
  kLink,   // a: href, title.
  kImage,  // img: src, alt, title, width, height.
  kCell,   // td, th: colspan, rowspan.
  kTitle,  // abbr: title.
};

struct Element {
  absl::string_view name;
  uint8_t flags;
  AttributeSet attributes = AttributeSet::kNone;
};

constexpr uint8_t kKeptBlock = kKept | kBlock;

// Every HTML element this file knows, sorted by name. Elements not listed
// (and listed ones with no flags) are unwrapped: content kept, tags dropped.
// LooksLikeHtml takes any listed name for HTML.
constexpr Element kElements[] = {
    {"a", kKept, AttributeSet::kLink},
    {"abbr", kKept, AttributeSet::kTitle},
    {"acronym", 0},
    {"address", kBlock | kAsDiv},
    {"area", 0},
    {"article", kBlock | kAsDiv},
    {"aside", kBlock | kAsDiv},
    {"audio", 0},
    {"b", kKept},
    {"base", 0},
    {"bdi", 0},
    {"bdo", 0},
    {"big", 0},
    {"blockquote", kKeptBlock},
    {"body", 0},
    {"br", kKeptBlock | kVoid},
    {"button", 0},
    {"canvas", 0},
    {"caption", kKeptBlock},
    {"center", 0},
    {"cite", kKept},
    {"code", kKept},
    {"col", 0},
    {"colgroup", 0},
    {"data", 0},
    {"datalist", 0},
    {"dd", kKeptBlock},
    {"del", 0},
    {"details", 0},
    {"dfn", 0},
    {"dialog", 0},
    {"dir", 0},
    {"div", kKeptBlock},
    {"dl", kKeptBlock},
    {"dt", kKeptBlock},
    {"em", kKept},
    // Void in HTML5, but libxml2 2.9 nests what follows an <embed> inside it,
    // so unwrapping (rather than dropping) keeps that text.
    {"embed", 0},
    {"fieldset", 0},
    {"figcaption", kKeptBlock},
    {"figure", kKeptBlock},
    {"font", 0},
    {"footer", kBlock | kAsDiv},
    {"form", 0},
    {"frame", 0},
    {"frameset", 0},
    {"h1", kKeptBlock},
    {"h2", kKeptBlock},
    {"h3", kKeptBlock},
    {"h4", kKeptBlock},
    {"h5", kKeptBlock},
    {"h6", kKeptBlock},
    {"head", kDropped},
    {"header", kBlock | kAsDiv},
    {"hgroup", 0},
    {"hr", kKeptBlock | kVoid},
    {"html", 0},
    {"i", kKept},
    {"iframe", kDropped},
    {"img", kKept | kVoid, AttributeSet::kImage},
    {"input", 0},
    {"ins", 0},
    {"kbd", kKept},
    {"label", 0},
    {"legend", 0},
    {"li", kKeptBlock},
    {"link", 0},
    {"main", kBlock | kAsDiv},
    {"map", 0},
    {"mark", 0},
    {"marquee", 0},
    {"menu", 0},
    {"meta", 0},
    {"meter", 0},
    {"nav", kBlock | kAsDiv},
    {"nobr", 0},
    {"noframes", 0},
    {"noscript", kDropped},
    {"object", kDropped},
    {"ol", kKeptBlock},
    {"optgroup", 0},
    {"option", 0},
    {"output", 0},
    {"p", kKeptBlock},
    {"param", 0},
    {"picture", 0},
    {"pre", kKeptBlock},
    {"progress", 0},
    {"q", kKept},
    {"rp", 0},
    {"rt", 0},
    {"ruby", 0},
    {"s", kKept},
    {"samp", 0},
    {"script", kDropped},
    {"section", kBlock | kAsDiv},
    {"select", 0},
    {"small", kKept},
    {"source", 0},
    {"span", kKept},
    {"strike", 0},
    {"strong", kKept},
    {"style", kDropped},
    {"sub", kKept},
    {"summary", 0},
    {"sup", kKept},
    {"svg", 0},
    {"table", kKeptBlock},
    {"tbody", kKept},
    {"td", kKept | kCell, AttributeSet::kCell},
    {"template", kDropped},
    {"textarea", 0},
    {"tfoot", 0},
    {"th", kKept | kCell, AttributeSet::kCell},
    {"thead", kKept},
    {"time", 0},
    {"title", kDropped},
    {"tr", kKeptBlock},
    {"track", 0},
    {"tt", 0},
    {"u", kKept},
    {"ul", kKeptBlock},
    {"var", 0},
    {"video", 0},
    {"wbr", 0},
};

static_assert(std::is_sorted(std::begin(kElements), std::end(kElements),
                             [](const Element& a, const Element& b) {
                               return a.name < b.name;
                             }),
              "kElements must be sorted by name for FindElement");

constexpr size_t kLongestElementName = 10;  // "blockquote", "figcaption".
static_assert(std::all_of(std::begin(kElements), std::end(kElements),
                          [](const Element& element) {
                            return element.name.size() <= kLongestElementName;
                          }),
              "kLongestElementName is too small");

// Returns the entry of `name` (lowercase) in kElements, or nullptr.
const Element* FindElement(absl::string_view name) {
  const Element* it = std::lower_bound(
      std::begin(kElements), std::end(kElements), name,
      [](const Element& element, absl::string_view key) { return element.name < key; });
  return it != std::end(kElements) && it->name == name ? it : nullptr;
}

// Views a string libxml2 owns (a name or content; nullptr reads as empty).
absl::string_view ViewOf(const xmlChar* chars) {
  const char* text = reinterpret_cast<const char*>(chars);
  return text == nullptr ? absl::string_view() : absl::string_view(text);
}

// How sanitized HTML treats an attribute.
enum class AttributeKind : uint8_t { kDropped, kText, kUrl };

AttributeKind KindOf(AttributeSet set, absl::string_view name) {
  switch (set) {
    case AttributeSet::kNone:
      return AttributeKind::kDropped;
    case AttributeSet::kLink:
      if (name == "href") return AttributeKind::kUrl;
      return name == "title" ? AttributeKind::kText : AttributeKind::kDropped;
    case AttributeSet::kImage:
      if (name == "src") return AttributeKind::kUrl;
      return name == "alt" || name == "title" || name == "width" || name == "height"
                 ? AttributeKind::kText
                 : AttributeKind::kDropped;
    case AttributeSet::kCell:
      return name == "colspan" || name == "rowspan" ? AttributeKind::kText
                                                    : AttributeKind::kDropped;
    case AttributeSet::kTitle:
      return name == "title" ? AttributeKind::kText : AttributeKind::kDropped;
  }
  return AttributeKind::kDropped;
}

// True if `p` (before `end`) starts whitespace that text collapses: ASCII
// whitespace, or U+00A0 NO-BREAK SPACE (UTF-8 C2 A0), which HTML uses to
// glue words and plain text does not need.
size_t SpaceLengthAt(const char* p, const char* end) {
  if (absl::ascii_isspace(static_cast<unsigned char>(*p))) return 1;
  if (static_cast<unsigned char>(*p) == 0xC2 && end - p >= 2 &&
      static_cast<unsigned char>(p[1]) == 0xA0) {
    return 2;
  }
  return 0;
}

// Appends `value` to `out` with &, <, > (and " when `in_attribute`) escaped.
void AppendEscaped(absl::string_view value, bool in_attribute, std::string& out) {
  const char* run = value.data();
  const char* const end = run + value.size();
  for (const char* p = run; p != end; ++p) {
    absl::string_view entity;
    switch (*p) {
      case '&':
        entity = "&amp;";
        break;
      case '<':
        entity = "&lt;";
        break;
      case '>':
        entity = "&gt;";
        break;
      case '"':
        if (!in_attribute) continue;
        entity = "&quot;";
        break;
      default:
        continue;
    }
    out.append(run, p - run);
    out.append(entity.data(), entity.size());
    run = p + 1;
  }
  out.append(run, end - run);
}

// Reads a parsed fragment, in document order and in one pass, into plain
// text and (optionally) sanitized HTML.
class FragmentReader {
 public:
  // `one_line` turns paragraph breaks into spaces.
  FragmentReader(absl::string_view base_url, bool write_html, bool one_line)
      : base_url_(base_url), write_html_(write_html), one_line_(one_line) {}

  // Reads every node of `doc`, iteratively (documents may nest deeper than
  // the stack would take).
  void Read(const xmlDoc& doc) {
    const xmlNode* node = doc.children;
    while (node != nullptr) {
      const bool opened = Enter(*node);
      if (opened && node->children != nullptr) {
        node = node->children;
        continue;
      }
      if (opened) Leave();
      while (node->next == nullptr) {
        node = node->parent;
        if (node == nullptr || node->type == XML_DOCUMENT_NODE ||
            node->type == XML_HTML_DOCUMENT_NODE) {
          return;
        }
        Leave();
      }
      node = node->next;
    }
  }

  // Reads `content` as a fragment made of one text node: what Read gives
  // for HTML without markup or references.
  void ReadText(absl::string_view content) {
    content = WithoutC1Controls(content);
    AppendText(content);
    if (write_html_) AppendEscaped(content, /*in_attribute=*/false, html_);
  }

  std::string& text() { return text_; }
  std::string& html() { return html_; }

 private:
  // An element entered and not yet left.
  struct OpenElement {
    const Element* element;
    bool tag_written;  // Its start tag is in html_.
  };

  // Handles the start of `node`. Returns true if `node` is an element whose
  // content is to be read, and which Leave must close afterwards.
  bool Enter(const xmlNode& node) {
    if (node.type == XML_TEXT_NODE) {
      ReadText(ViewOf(node.content));
      return false;
    }
    if (node.type != XML_ELEMENT_NODE) return false;  // Comments, PIs, DTD.
    const Element* element = FindElement(ViewOf(node.name));
    if (element == nullptr) element = &kUnknownElement;
    if (element->flags & kDropped) return false;
    BreakText(element->flags);
    const bool tag_written = write_html_ && (element->flags & (kKept | kAsDiv)) &&
                             WriteStartTag(node, *element);
    open_.push_back({element, tag_written});
    return true;
  }

  // Handles the end of the innermost open element.
  void Leave() {
    const OpenElement open = open_.back();
    open_.pop_back();
    BreakText(open.element->flags);
    if (!open.tag_written || open.element->flags & kVoid) return;
    --html_depth_;
    html_.append("</");
    AppendTagName(*open.element);
    html_.push_back('>');
  }

  void BreakText(uint8_t flags) {
    if (flags & kBlock) {
      (one_line_ ? pending_space_ : pending_break_) = true;
    } else if (flags & kCell) {
      pending_space_ = true;
    }
  }

  // Appends text content to text_, collapsing whitespace.
  void AppendText(absl::string_view content) {
    const char* p = content.data();
    const char* const end = p + content.size();
    while (p != end) {
      const char* word = p;
      while (p != end && SpaceLengthAt(p, end) == 0) ++p;
      if (p != word) {
        if (!text_.empty()) {
          if (pending_break_) {
            text_.append("\n\n");
          } else if (pending_space_) {
            text_.push_back(' ');
          }
        }
        pending_break_ = pending_space_ = false;
        text_.append(word, p - word);
      }
      while (p != end) {
        const size_t space = SpaceLengthAt(p, end);
        if (space == 0) break;
        p += space;
        pending_space_ = true;
      }
    }
  }

  void AppendTagName(const Element& element) {
    const absl::string_view name = element.flags & kAsDiv ? "div" : element.name;
    html_.append(name.data(), name.size());
  }

  // Writes the start tag of `node` with its allowed attributes. Returns
  // false, writing nothing, when the element is to be unwrapped instead: too
  // deep, or an a or img without a usable URL.
  bool WriteStartTag(const xmlNode& node, const Element& element) {
    const bool is_void = element.flags & kVoid;
    if (!is_void && html_depth_ >= kMaxSanitizedHtmlDepth) return false;
    const size_t start = html_.size();
    html_.push_back('<');
    AppendTagName(element);
    bool has_url = false;
    if (element.attributes != AttributeSet::kNone) {
      for (const xmlAttr* attribute = node.properties; attribute != nullptr;
           attribute = attribute->next) {
        const absl::string_view name = ViewOf(attribute->name);
        const AttributeKind kind = KindOf(element.attributes, name);
        if (kind == AttributeKind::kDropped) continue;
        if (kind == AttributeKind::kUrl) {
          if (has_url || !WriteUrlAttribute(name, ValueOf(*attribute))) continue;
          has_url = true;
        } else {
          WriteAttribute(name, ValueOf(*attribute));
        }
      }
    }
    if (!has_url && (element.attributes == AttributeSet::kLink ||
                     element.attributes == AttributeSet::kImage)) {
      html_.resize(start);
      return false;
    }
    html_.push_back('>');
    if (!is_void) ++html_depth_;
    return true;
  }

  // Writes ` name="value"` if `value`, resolved, is a safe non-blank URL.
  bool WriteUrlAttribute(absl::string_view name, absl::string_view value) {
    value = absl::StripAsciiWhitespace(value);
    if (value.empty() || !IsSafeLinkUrl(value)) return false;
    if (base_url_.empty()) {
      WriteAttribute(name, value);
      return true;
    }
    const std::string resolved = ResolveUrl(base_url_, value);
    if (!IsSafeLinkUrl(resolved)) return false;
    WriteAttribute(name, resolved);
    return true;
  }

  void WriteAttribute(absl::string_view name, absl::string_view value) {
    html_.push_back(' ');
    html_.append(name.data(), name.size());
    html_.append("=\"");
    AppendEscaped(value, /*in_attribute=*/true, html_);
    html_.push_back('"');
  }

  // Returns the value of `attribute`, entities already decoded by the
  // parser. Valid until the next call.
  absl::string_view ValueOf(const xmlAttr& attribute) {
    const xmlNode* child = attribute.children;
    if (child == nullptr) return absl::string_view();
    if (child->next == nullptr && child->type == XML_TEXT_NODE) {
      return WithoutC1Controls(ViewOf(child->content));
    }
    value_.clear();
    for (; child != nullptr; child = child->next) {
      if (child->type == XML_TEXT_NODE) absl::StrAppend(&value_, ViewOf(child->content));
    }
    ReplaceC1Controls(value_);
    return value_;
  }

  // `text`, or a copy in c1_scratch_ with its C1 controls read as
  // windows-1252: libxml2 reads "&#146;" as U+0092, HTML5 as U+2019. Valid
  // until the next call.
  absl::string_view WithoutC1Controls(absl::string_view text) {
    if (!absl::StrContains(text, '\xC2')) return text;
    c1_scratch_.assign(text.data(), text.size());
    ReplaceC1Controls(c1_scratch_);
    return c1_scratch_;
  }

  static constexpr Element kUnknownElement = {"", 0};

  const absl::string_view base_url_;
  const bool write_html_;
  const bool one_line_;
  std::string text_;
  std::string html_;
  // Separator owed before the next word of text_ (a break wins).
  bool pending_space_ = false;
  bool pending_break_ = false;
  std::vector<OpenElement> open_;
  size_t html_depth_ = 0;  // Non-void start tags in html_ not yet closed.
  std::string value_;      // Scratch for ValueOf.
  std::string c1_scratch_;  // Scratch for WithoutC1Controls.
};

void IgnoreGenericError(void* /*context*/, const char* /*message*/, ...) {}
void IgnoreStructuredError(void* /*context*/, xmlErrorPtr /*error*/) {}

// Silences libxml2's error reporting on this thread while in scope, so that
// nothing reaches stderr or a handler the process installed for its own
// parses; restores the previous handlers afterwards.
class QuietLibxmlErrors {
 public:
  QuietLibxmlErrors()
      : generic_(xmlGenericError),
        generic_context_(xmlGenericErrorContext),
        structured_(xmlStructuredError),
        structured_context_(xmlStructuredErrorContext) {
    xmlSetGenericErrorFunc(nullptr, IgnoreGenericError);
    xmlSetStructuredErrorFunc(nullptr, IgnoreStructuredError);
  }
  ~QuietLibxmlErrors() {
    xmlSetGenericErrorFunc(generic_context_, generic_);
    xmlSetStructuredErrorFunc(structured_context_, structured_);
  }
  QuietLibxmlErrors(const QuietLibxmlErrors&) = delete;
  QuietLibxmlErrors& operator=(const QuietLibxmlErrors&) = delete;

 private:
  const xmlGenericErrorFunc generic_;
  void* const generic_context_;
  const xmlStructuredErrorFunc structured_;
  void* const structured_context_;
};

struct FreeDoc {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using DocPtr = std::unique_ptr<xmlDoc, FreeDoc>;

// The fragment is parsed as the content of a <body>: without one, libxml2
// wraps leading text in an implied <p>.
constexpr absl::string_view kBodyTag = "<body>";
constexpr absl::string_view kByteOrderMark = "\xEF\xBB\xBF";

// Parses `html` as a fragment; nullptr only if libxml2 fails outright.
DocPtr ParseFragment(absl::string_view html) {
  static const bool initialized = [] {
    xmlInitParser();
    return true;
  }();
  (void)initialized;

  absl::ConsumePrefix(&html, kByteOrderMark);
  std::string input;
  input.reserve(kBodyTag.size() + html.size());
  input.append(kBodyTag.data(), kBodyTag.size());
  // libxml2 stops reading at a NUL byte.
  for (size_t nul; (nul = html.find('\0')) != absl::string_view::npos;) {
    input.append(html.data(), nul);
    html.remove_prefix(nul + 1);
  }
  input.append(html.data(), html.size());
  if (input.size() > INT_MAX) input.resize(INT_MAX);

  // XML_PARSE_HUGE lifts the nesting limit (256), past which libxml2 would
  // stop and lose the rest of the text; Read does not recurse.
  constexpr int kOptions = HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                           HTML_PARSE_NOWARNING | HTML_PARSE_NODEFDTD |
                           HTML_PARSE_IGNORE_ENC | XML_PARSE_HUGE;
  const QuietLibxmlErrors quiet;
  // One parser context per thread, reset for each fragment: a new one per
  // fragment (htmlReadMemory) cost a fifth of feed parsing.
  struct FreeContext {
    void operator()(htmlParserCtxtPtr ctxt) const { htmlFreeParserCtxt(ctxt); }
  };
  thread_local std::unique_ptr<htmlParserCtxt, FreeContext> ctxt(htmlNewParserCtxt());
  if (ctxt == nullptr) return nullptr;
  return DocPtr(htmlCtxtReadMemory(ctxt.get(), input.data(), static_cast<int>(input.size()),
                                   /*URL=*/nullptr, "UTF-8", kOptions));
}

bool IsAsciiAlnum(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)); }

// True if `text` at `i`, just after a "<", holds the rest of a start or end
// tag of a known element.
bool IsTagAt(absl::string_view text, size_t i) {
  if (i < text.size() && text[i] == '/') ++i;
  if (i >= text.size() || !absl::ascii_isalpha(static_cast<unsigned char>(text[i]))) {
    return false;
  }
  char name[kLongestElementName];
  size_t length = 0;
  for (; i < text.size() && IsAsciiAlnum(text[i]); ++i, ++length) {
    if (length == sizeof(name)) return false;
    name[length] = absl::ascii_tolower(static_cast<unsigned char>(text[i]));
  }
  if (FindElement(absl::string_view(name, length)) == nullptr) return false;
  if (i == text.size()) return false;
  if (text[i] == '>') return true;
  if (text[i] == '/') return i + 1 < text.size() && text[i + 1] == '>';
  if (!absl::ascii_isspace(static_cast<unsigned char>(text[i]))) return false;
  // Attributes: the tag needs its ">" before any other "<".
  const size_t close = text.find_first_of("<>", i);
  return close != absl::string_view::npos && text[close] == '>';
}

// True if `text` at `i`, just after a "&", holds the rest of a character
// reference or of a reference to an HTML 4 entity.
bool IsEntityAt(absl::string_view text, size_t i) {
  if (i < text.size() && text[i] == '#') {
    ++i;
    const bool hex = i < text.size() && (text[i] == 'x' || text[i] == 'X');
    if (hex) ++i;
    const size_t digits = i;
    while (i < text.size() &&
           (hex ? absl::ascii_isxdigit(static_cast<unsigned char>(text[i]))
                : absl::ascii_isdigit(static_cast<unsigned char>(text[i])))) {
      ++i;
    }
    return i > digits && i < text.size() && text[i] == ';';
  }
  char name[16];  // Longer than any HTML 4 entity name, with its NUL.
  size_t length = 0;
  for (; i < text.size() && IsAsciiAlnum(text[i]); ++i, ++length) {
    if (length + 1 == sizeof(name)) return false;
    name[length] = text[i];
  }
  if (length == 0 || i == text.size() || text[i] != ';') return false;
  name[length] = '\0';
  return htmlEntityLookup(reinterpret_cast<const xmlChar*>(name)) != nullptr;
}

// True for text the HTML parser would read as one text node, unchanged:
// nothing that starts a tag or a reference, no NUL, no byte order mark.
// Most feed titles and many summaries are such text; they skip the parser.
bool IsPlainText(absl::string_view html) {
  return html.find_first_of(absl::string_view("<&\0", 3)) == absl::string_view::npos &&
         !absl::StartsWith(html, kByteOrderMark);
}

// Reads `html` into `reader`, through the parser unless it is plain text.
void ReadFragment(absl::string_view html, FragmentReader& reader) {
  if (IsPlainText(html)) {
    reader.ReadText(html);
    return;
  }
  const DocPtr doc = ParseFragment(html);
  if (doc != nullptr) reader.Read(*doc);
}

}  // namespace

HtmlContent ConvertHtml(absl::string_view html, absl::string_view base_url) {
  HtmlContent content;
  FragmentReader reader(base_url, /*write_html=*/true, /*one_line=*/false);
  ReadFragment(html, reader);
  content.text = std::move(reader.text());
  // Whitespace around the fragment means nothing; whitespace inside stays.
  std::string& out = reader.html();
  const absl::string_view trimmed = absl::StripAsciiWhitespace(out);
  if (trimmed.size() != out.size()) {
    out.erase(trimmed.data() + trimmed.size() - out.data());
    out.erase(0, trimmed.data() - out.data());
  }
  content.html = std::move(out);
  return content;
}

std::string HtmlToLine(absl::string_view html) {
  FragmentReader reader(/*base_url=*/"", /*write_html=*/false, /*one_line=*/true);
  ReadFragment(html, reader);
  return std::move(reader.text());
}

bool LooksLikeHtml(absl::string_view text) {
  for (size_t i = text.find_first_of("<&"); i != absl::string_view::npos;
       i = text.find_first_of("<&", i + 1)) {
    if (text[i] == '<' ? IsTagAt(text, i + 1) : IsEntityAt(text, i + 1)) return true;
  }
  return false;
}

}  // namespace newswire
