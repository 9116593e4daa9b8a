#include "core/base/quote_input.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace newswire {

std::string QuoteInput(absl::string_view value) {
  size_t keep = value.size();
  if (keep > kMaxQuotedInputBytes) {
    keep = kMaxQuotedInputBytes;
    // Back to the start of the character the cut would split (UTF-8:
    // at most 3 continuation bytes).
    for (int i = 0;
         i < 3 && keep > 0 && (static_cast<unsigned char>(value[keep]) & 0xC0) == 0x80;
         ++i) {
      --keep;
    }
  }
  return absl::StrCat("\"", absl::Utf8SafeCHexEscape(value.substr(0, keep)), "\"",
                      keep < value.size() ? "…" : "");
}

}  // namespace newswire
