// A hostile article's text, and the check that none of it survived: for the
// tests of every path an article takes in (text, feeds, gRPC, Python).
#ifndef NEWSWIRE_TESTS_CORE_HOSTILE_TEXT_H_
#define NEWSWIRE_TESTS_CORE_HOSTILE_TEXT_H_

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "core/model/article.h"
#include "core/model/control_characters.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "gtest/gtest.h"

namespace newswire {

// NUL, BEL, a CSI that colours ("ESC[31m" ... "ESC[0m"), NEL and CSI as C1
// code points (U+0085, U+009B), DEL: what a terminal would obey.
inline std::string HostileLine(absl::string_view words = "Red alert") {
  return absl::StrCat(std::string("Hostile\0 headline\a: ", 20), "\x1b[31m", words,
                      "\x1b[0m now,\xC2\x85next \xC2\x9b" "1mbold\x7f end");
}

// What NormalizeArticle makes of HostileLine(words) in a one-line field.
inline std::string CleanLine(absl::string_view words = "Red alert") {
  return absl::StrCat("Hostile headline: ", words, " now, next bold end");
}

// Adds a failure for each string field of `message`, nested ones included,
// that holds a control character (tab and LF allowed in body_text and
// body_html).
inline void ExpectNoControlCharacters(const google::protobuf::Message& message,
                                      const std::string& path = "") {
  using ::google::protobuf::FieldDescriptor;
  const auto* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    const std::string name = absl::StrCat(path, field->name());
    const int count = field->is_repeated() ? reflection->FieldSize(message, field) : 1;
    for (int i = 0; i < count; ++i) {
      const std::string where = field->is_repeated() ? absl::StrCat(name, "[", i, "]") : name;
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        ExpectNoControlCharacters(field->is_repeated()
                                      ? reflection->GetRepeatedMessage(message, field, i)
                                      : reflection->GetMessage(message, field),
                                  where + ".");
      } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
        const std::string value = field->is_repeated()
                                      ? reflection->GetRepeatedString(message, field, i)
                                      : reflection->GetString(message, field);
        const bool body = field->name() == "body_text" || field->name() == "body_html";
        EXPECT_TRUE(
            IsFreeOfControlCharacters(value, body ? TextLines::kMany : TextLines::kOne))
            << where << ": \"" << absl::CHexEscape(value) << "\"";
      }
    }
  }
}

}  // namespace newswire

#endif  // NEWSWIRE_TESTS_CORE_HOSTILE_TEXT_H_
