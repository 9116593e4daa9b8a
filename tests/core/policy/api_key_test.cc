#include "core/policy/api_key.h"

#include <set>
#include <string>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace newswire {
namespace {

using ::testing::HasSubstr;

TEST(ApiKey, SecretCarriesItsIdAndPassesItsChecksum) {
  const NewSecret made = GenerateSecret();
  EXPECT_TRUE(absl::StartsWith(made.secret, "nw_" + made.id + "_")) << made.secret;
  EXPECT_EQ(made.id.size(), kApiKeyIdLength);
  absl::StatusOr<std::string> id = SecretKeyId(made.secret);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, made.id);
}

TEST(ApiKey, SecretsAreDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(GenerateSecret().secret).second);
}

TEST(ApiKey, EveryOneCharacterTypoIsCaughtByTheChecksum) {
  const NewSecret made = GenerateSecret();
  // Each position after the prefix, changed to another character of its
  // alphabet, fails as a typo, not as an unknown key.
  for (size_t i = 3; i < made.secret.size(); ++i) {
    if (i == 3 + kApiKeyIdLength) continue;  // The '_' between id and body.
    std::string typo = made.secret;
    typo[i] = typo[i] == 'a' ? 'b' : 'a';
    absl::StatusOr<std::string> id = SecretKeyId(typo);
    ASSERT_FALSE(id.ok()) << "position " << i;
    EXPECT_EQ(id.status().code(), absl::StatusCode::kUnauthenticated);
    EXPECT_THAT(id.status().message(), HasSubstr("checksum")) << "position " << i;
    EXPECT_THAT(id.status().message(), ::testing::Not(HasSubstr(made.secret.substr(14))));
  }
}

TEST(ApiKey, ForeignAndTruncatedKeysAreToldApart) {
  absl::StatusOr<std::string> foreign = SecretKeyId("sk_live_abcdef");
  ASSERT_FALSE(foreign.ok());
  EXPECT_THAT(foreign.status().message(), HasSubstr("not a newswire API key"));
  const std::string secret = GenerateSecret().secret;
  absl::StatusOr<std::string> truncated =
      SecretKeyId(secret.substr(0, secret.size() - 3));
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(truncated.status().message(), HasSubstr("truncated or mistyped"));
  EXPECT_FALSE(SecretKeyId("").ok());
}

TEST(ApiKey, DigestDependsOnPepperAndSecret) {
  const std::string pepper = GeneratePepper();
  ASSERT_EQ(pepper.size(), kPepperBytes);
  const std::string secret = GenerateSecret().secret;
  const std::string digest = KeyDigest(pepper, secret);
  EXPECT_EQ(digest.size(), kKeyDigestBytes);
  EXPECT_TRUE(DigestsEqual(digest, KeyDigest(pepper, secret)));
  EXPECT_FALSE(DigestsEqual(digest, KeyDigest(GeneratePepper(), secret)));
  EXPECT_FALSE(DigestsEqual(digest, KeyDigest(pepper, GenerateSecret().secret)));
  EXPECT_FALSE(absl::StrContains(digest, secret));
}

TEST(ApiKey, DigestIsHmacSha256) {
  // RFC 4231, test case 2.
  const std::string digest = KeyDigest("Jefe", "what do ya want for nothing?");
  const unsigned char expected[] = {0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e,
                                    0x6a, 0x04, 0x24, 0x26, 0x08, 0x95, 0x75, 0xc7,
                                    0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83,
                                    0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43};
  EXPECT_EQ(digest,
            std::string(reinterpret_cast<const char*>(expected), sizeof expected));
}

}  // namespace
}  // namespace newswire
