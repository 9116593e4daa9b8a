// A normalized article for store tests: `id` at `version`, with
// `headline` and a body made from it.
#ifndef NEWSWIRE_TESTS_CORE_STORY_H_
#define NEWSWIRE_TESTS_CORE_STORY_H_

#include <cstdint>
#include <string>

#include "core/model/article.h"

namespace newswire {

inline Article Story(const std::string& id, uint32_t version, const std::string& headline) {
  Article a;
  a.set_id(id);
  a.set_version(version);
  a.set_headline(headline);
  a.set_body_text("Body of " + headline + ".");
  NormalizeArticle(a);
  return a;
}

}  // namespace newswire

#endif  // NEWSWIRE_TESTS_CORE_STORY_H_
