#include "core/model/sha256.h"

#include <string>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace newswire {
namespace {

std::string HexDigest(absl::string_view data) {
  Sha256 sha;
  sha.Update(data);
  const Sha256::Digest d = sha.Finish();
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

// Vectors from FIPS 180-4 examples and NIST CAVP.
TEST(Sha256, MatchesPublishedVectors) {
  EXPECT_EQ(HexDigest(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HexDigest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HexDigest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(HexDigest(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, HexGivesTheDigestOrItsFirstBytes) {
  EXPECT_EQ(Sha256Hex("abc"), HexDigest("abc"));
  EXPECT_EQ(Sha256Hex("abc", 8), "ba7816bf8f01cfea");
  EXPECT_EQ(Sha256Hex("abc", 99), HexDigest("abc"));
}

TEST(Sha256, IncrementalUpdatesMatchOneShot) {
  const std::string text(200, 'x');
  for (size_t split = 0; split <= text.size(); split += 7) {
    Sha256 sha;
    sha.Update(absl::string_view(text).substr(0, split));
    sha.Update(absl::string_view(text).substr(split));
    const Sha256::Digest d = sha.Finish();
    EXPECT_EQ(absl::BytesToHexString(absl::string_view(
                  reinterpret_cast<const char*>(d.data()), d.size())),
              HexDigest(text))
        << "split at " << split;
  }
}

// RFC 4231, test cases 1 and 2.
TEST(Sha256, HmacMatchesPublishedVectors) {
  EXPECT_EQ(absl::BytesToHexString(HmacSha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(absl::BytesToHexString(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace
}  // namespace newswire
