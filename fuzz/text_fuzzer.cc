// Fuzzes ParseText (core/ingest/text.h) on any bytes: it returns an
// Article or INVALID_ARGUMENT, never crashes, and an Article it returns is
// valid (ValidateArticle) and normalized (NormalizeArticle changes nothing).
#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/ingest/text.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<newswire::Article> article = newswire::ParseText(text);
  if (article.ok()) {
    newswire::fuzz::CheckArticle(*article);
  } else {
    newswire::fuzz::CheckError(article.status());
  }
  return 0;
}
