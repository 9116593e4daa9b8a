#include "core/ingest/xml_nodes.h"

#include <memory>
#include <vector>

#include "core/ingest/decode.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "core/ingest/url.h"

namespace newswire::xml {
namespace {

absl::string_view View(const xmlChar* text) {
  return text == nullptr ? absl::string_view() : reinterpret_cast<const char*>(text);
}

const xmlChar* const kXmlNamespace =
    reinterpret_cast<const xmlChar*>("http://www.w3.org/XML/1998/namespace");

struct FreeXml {
  void operator()(xmlChar* text) const { xmlFree(text); }
};

void AppendText(const xmlNode* node, std::string& out) {
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE) {
      if (child->content != nullptr) out.append(reinterpret_cast<const char*>(child->content));
    } else if (child->type == XML_ELEMENT_NODE) {
      AppendText(child, out);
    }
  }
}

}  // namespace

absl::string_view Name(const xmlNode* node) { return View(node->name); }

absl::string_view Namespace(const xmlNode* node) {
  return node->ns == nullptr ? absl::string_view() : View(node->ns->href);
}

std::string Text(const xmlNode* node) {
  std::string out;
  AppendText(node, out);
  ReplaceC1Controls(out);
  return out;
}

bool HasElementChildren(const xmlNode* node) {
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type == XML_ELEMENT_NODE) return true;
  }
  return false;
}

std::string InnerXml(const xmlNode* node) {
  std::unique_ptr<xmlBuffer, decltype(&xmlBufferFree)> buffer(xmlBufferCreate(), xmlBufferFree);
  if (buffer == nullptr) return Text(node);
  for (xmlNode* child = node->children; child != nullptr; child = child->next) {
    xmlNodeDump(buffer.get(), node->doc, child, 0, 0);
  }
  return std::string(View(xmlBufferContent(buffer.get())));
}

std::string Attribute(const xmlNode* node, const char* name, absl::string_view fallback) {
  std::unique_ptr<xmlChar, FreeXml> value(
      xmlGetNoNsProp(const_cast<xmlNode*>(node), reinterpret_cast<const xmlChar*>(name)));
  if (value == nullptr) return std::string(fallback);
  return std::string(View(value.get()));
}

std::string XmlAttribute(const xmlNode* node, const char* name) {
  std::unique_ptr<xmlChar, FreeXml> value(xmlGetNsProp(
      const_cast<xmlNode*>(node), reinterpret_cast<const xmlChar*>(name), kXmlNamespace));
  return value == nullptr ? "" : std::string(View(value.get()));
}

std::string BaseUrl(const xmlNode* node, absl::string_view document_base) {
  std::vector<std::string> bases;
  for (const xmlNode* at = node; at != nullptr && at->type == XML_ELEMENT_NODE; at = at->parent) {
    std::string base = XmlAttribute(at, "base");
    if (!base.empty()) bases.push_back(std::move(base));
  }
  std::string url(document_base);
  for (auto it = bases.rbegin(); it != bases.rend(); ++it) url = ResolveUrl(url, *it);
  return url;
}

std::string Language(const xmlNode* node) {
  for (const xmlNode* at = node; at != nullptr && at->type == XML_ELEMENT_NODE; at = at->parent) {
    std::string lang = XmlAttribute(at, "lang");
    if (!lang.empty()) return lang;
  }
  return "";
}

v1::Link AtomLink(const xmlNode* node) {
  v1::Link link;
  link.set_href(std::string(absl::StripAsciiWhitespace(Attribute(node, "href"))));
  link.set_rel(Attribute(node, "rel", "alternate"));
  link.set_media_type(Attribute(node, "type"));
  link.set_title(Attribute(node, "title"));
  link.set_length(ByteLength(Attribute(node, "length")));
  return link;
}

uint64_t ByteLength(absl::string_view text) {
  uint64_t length = 0;
  return absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &length) ? length : 0;
}

}  // namespace newswire::xml
