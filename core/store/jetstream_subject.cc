#include "core/store/jetstream_subject.h"

#include "absl/strings/str_cat.h"
#include "core/model/sha256.h"

namespace newswire {

std::string IdHash(absl::string_view id) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  Sha256 sha;
  sha.Update(id);
  const Sha256::Digest digest = sha.Finish();
  std::string out;
  out.reserve((digest.size() * 8 + 4) / 5);
  uint32_t bits = 0;  // Pending bits, the oldest highest.
  int pending = 0;
  for (uint8_t byte : digest) {
    bits = (bits << 8) | byte;
    pending += 8;
    while (pending >= 5) {
      pending -= 5;
      out.push_back(kAlphabet[(bits >> pending) & 31]);
    }
  }
  if (pending > 0) out.push_back(kAlphabet[(bits << (5 - pending)) & 31]);
  return out;
}

std::string ArticleSubject(absl::string_view id, uint64_t version) {
  return absl::StrCat(kSubjectRoot, ".a.", IdHash(id), ".", version);
}

std::string ReleaseSubject(absl::string_view id, uint64_t version) {
  return absl::StrCat(kSubjectRoot, ".r.", IdHash(id), ".", version);
}

std::string PublishMessageId(absl::string_view id, uint64_t version,
                             absl::string_view content_hash) {
  return absl::StrCat(IdHash(id), ":", version, ":", content_hash);
}

}  // namespace newswire
