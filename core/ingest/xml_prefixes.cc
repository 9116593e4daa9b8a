#include "core/ingest/xml_prefixes.h"

#include <array>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"

namespace newswire {
namespace {

struct Convention {
  absl::string_view prefix;
  absl::string_view uri;
};

// The prefixes feeds use for these namespaces in their specifications'
// examples, which is what a feed that forgets to declare one means.
constexpr std::array<Convention, 17> kConventions = {{
    {"content", "http://purl.org/rss/1.0/modules/content/"},
    {"dc", "http://purl.org/dc/elements/1.1/"},
    {"dcterms", "http://purl.org/dc/terms/"},
    {"media", "http://search.yahoo.com/mrss/"},
    {"atom", "http://www.w3.org/2005/Atom"},
    {"itunes", "http://www.itunes.com/dtds/podcast-1.0.dtd"},
    {"googleplay", "http://www.google.com/schemas/play-podcasts/1.0"},
    {"podcast", "https://podcastindex.org/namespace/1.0"},
    {"rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"},
    {"slash", "http://purl.org/rss/1.0/modules/slash/"},
    {"wfw", "http://wellformedweb.org/CommentAPI/"},
    {"sy", "http://purl.org/rss/1.0/modules/syndication/"},
    {"thr", "http://purl.org/syndication/thread/1.0"},
    {"georss", "http://www.georss.org/georss"},
    {"geo", "http://www.w3.org/2003/01/geo/wgs84_pos#"},
    {"xhtml", "http://www.w3.org/1999/xhtml"},
    {"feedburner", "http://rssnamespace.org/feedburner/ext/1.0"},
}};

absl::string_view View(const xmlChar* text) {
  return text == nullptr ? absl::string_view() : reinterpret_cast<const char*>(text);
}

class Binder {
 public:
  explicit Binder(xmlNode* root) : root_(root) {}

  // The namespace for the prefix of `name` ("content" in "content:encoded"),
  // declaring it on the root the first time; nullptr when `name` has no
  // prefix or the prefix has no usual namespace.
  xmlNs* Bind(absl::string_view name) {
    const size_t colon = name.find(':');
    if (colon == absl::string_view::npos || colon == 0 || colon + 1 == name.size()) {
      return nullptr;
    }
    const std::string prefix(name.substr(0, colon));
    auto [it, inserted] = bound_.try_emplace(prefix, nullptr);
    if (!inserted) return it->second;
    const std::optional<absl::string_view> uri = WellKnownNamespace(prefix);
    if (!uri.has_value()) {
      notes_.push_back(
          absl::StrCat("undeclared prefix \"", prefix, ":\": its elements are not read"));
      return nullptr;
    }
    const std::string href(*uri);
    xmlNs* ns = xmlSearchNsByHref(root_->doc, root_,
                                  reinterpret_cast<const xmlChar*>(href.c_str()));
    if (ns == nullptr) {
      ns = xmlNewNs(root_, reinterpret_cast<const xmlChar*>(href.c_str()),
                    reinterpret_cast<const xmlChar*>(prefix.c_str()));
    }
    if (ns == nullptr) {  // The root declares the prefix for something else.
      notes_.push_back(
          absl::StrCat("undeclared prefix \"", prefix,
                       ":\": its elements are not read (the root uses it for "
                       "another namespace)"));
      return nullptr;
    }
    notes_.push_back(absl::StrCat("undeclared prefix \"", prefix, ":\" read as ", href));
    it->second = ns;
    return ns;
  }

  void Visit(xmlNode* node) {
    for (; node != nullptr; node = node->next) {
      if (node->type != XML_ELEMENT_NODE) continue;
      Rename(node, node->ns);
      for (xmlAttr* attr = node->properties; attr != nullptr; attr = attr->next) {
        Rename(reinterpret_cast<xmlNode*>(attr), attr->ns);
      }
      Visit(node->children);
    }
  }

  std::vector<std::string> TakeNotes() { return std::move(notes_); }

 private:
  // Moves `node` (an element or an attribute, whose namespace is `ns`),
  // when it is in none and named "prefix:local", into the prefix's
  // namespace as "local".
  void Rename(xmlNode* node, xmlNs*& ns) {
    if (ns != nullptr) return;
    const absl::string_view name = View(node->name);
    xmlNs* bound = Bind(name);
    if (bound == nullptr) return;
    const std::string local(name.substr(name.find(':') + 1));
    ns = bound;
    xmlNodeSetName(node, reinterpret_cast<const xmlChar*>(local.c_str()));
  }

  xmlNode* root_;
  absl::flat_hash_map<std::string, xmlNs*> bound_;  // nullptr: not bindable.
  std::vector<std::string> notes_;
};

}  // namespace

std::optional<absl::string_view> WellKnownNamespace(absl::string_view prefix) {
  for (const Convention& convention : kConventions) {
    if (convention.prefix == prefix) return convention.uri;
  }
  return std::nullopt;
}

std::vector<std::string> BindUndeclaredPrefixes(xmlNode* root) {
  if (root == nullptr) return {};
  Binder binder(root);
  binder.Visit(root);
  return binder.TakeNotes();
}

}  // namespace newswire
