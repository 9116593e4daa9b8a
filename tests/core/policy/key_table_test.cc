#include "core/policy/key_table.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "core/model/article.h"
#include "core/policy/api_key.h"
#include "core/policy/key_store.h"
#include "core/store/sqlite_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/policy/key_request.h"
#include "tests/core/temp_dir.h"

namespace newswire {
namespace {

using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Every file under `dir`, concatenated.
std::string ReadTree(const std::string& dir) {
  std::string all;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) all += ReadAll(entry.path().string());
  }
  return all;
}

TEST(KeyTable, EmptyTableDoesNotEnforce) {
  auto table = KeyTable::Open(OpenMemoryKeyStore());
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_FALSE((*table)->enforcing());
}

TEST(KeyTable, CreatedKeyAuthenticatesWithItsEntitlements) {
  auto table = *KeyTable::Open(OpenMemoryKeyStore());
  auto created = table->Create(KeyRequest("ap-desk", {v1::SCOPE_PUBLISH}, {"AP"}), kNow);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_TRUE(table->enforcing());
  auto principal = table->Authenticate(created->secret(), kNow);
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ((*principal)->name(), "ap-desk");
  EXPECT_EQ((*principal)->key_id(), created->key().id());
  EXPECT_TRUE((*principal)->HasScope(v1::SCOPE_PUBLISH));
  EXPECT_FALSE((*principal)->HasScope(v1::SCOPE_ADMIN));
  EXPECT_TRUE((*principal)->HasSource("ap"));
  EXPECT_FALSE((*principal)->HasSource("Reuters"));
}

TEST(KeyTable, UnknownRevokedExpiredAndMistypedKeysAreToldApart) {
  auto table = *KeyTable::Open(OpenMemoryKeyStore());
  v1::CreateKeyRequest expiring = KeyRequest("short", {v1::SCOPE_SEARCH});
  *expiring.mutable_expires() = ToProtoTime(kNow + absl::Hours(1));
  auto short_lived = *table->Create(expiring, kNow);
  auto revoked = *table->Create(KeyRequest("gone", {v1::SCOPE_SEARCH}), kNow);
  ASSERT_TRUE(table->Revoke(revoked.key().id(), kNow).ok());

  auto expired = table->Authenticate(short_lived.secret(), kNow + absl::Hours(2));
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(expired.status().message(), HasSubstr("expired"));
  EXPECT_TRUE(table->Authenticate(short_lived.secret(), kNow + absl::Minutes(59)).ok());

  auto was_revoked = table->Authenticate(revoked.secret(), kNow);
  ASSERT_FALSE(was_revoked.ok());
  EXPECT_THAT(was_revoked.status().message(), HasSubstr("revoked"));

  auto unknown = table->Authenticate(GenerateSecret().secret, kNow);
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.status().message(), HasSubstr("unknown API key"));

  std::string typo = short_lived.secret();
  typo[20] = typo[20] == 'x' ? 'y' : 'x';
  auto mistyped = table->Authenticate(typo, kNow);
  ASSERT_FALSE(mistyped.ok());
  EXPECT_THAT(mistyped.status().message(), HasSubstr("checksum"));
}

TEST(KeyTable, RevocationReachesPrincipalsAlreadyHandedOut) {
  auto table = *KeyTable::Open(OpenMemoryKeyStore());
  int changes = 0;
  table->set_on_change([&changes] { ++changes; });
  auto created = *table->Create(KeyRequest("reader", {v1::SCOPE_SUBSCRIBE}), kNow);
  std::shared_ptr<const Principal> held = *table->Authenticate(created.secret(), kNow);
  ASSERT_TRUE(held->CheckValid(kNow).ok());
  ASSERT_TRUE(table->Revoke(created.key().id(), kNow + absl::Seconds(1)).ok());
  EXPECT_EQ(held->CheckValid(kNow + absl::Seconds(2)).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(changes, 1);
  // Again: nothing changes.
  ASSERT_TRUE(table->Revoke(created.key().id(), kNow + absl::Seconds(3)).ok());
  EXPECT_EQ(table->List()[0].revoked().seconds(),
            absl::ToUnixSeconds(kNow + absl::Seconds(1)));
  EXPECT_EQ(table->Revoke("nosuchkey", kNow).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(KeyTable, RotationKeepsBothValidThroughTheGrace) {
  auto table = *KeyTable::Open(OpenMemoryKeyStore());
  auto old_key = *table->Create(KeyRequest("feed", {v1::SCOPE_PUBLISH}, {"AP"}), kNow);
  auto rotated = table->Rotate(old_key.key().id(), absl::Hours(1), kNow);
  ASSERT_TRUE(rotated.ok()) << rotated.status();
  EXPECT_NE(rotated->key().id(), old_key.key().id());
  EXPECT_EQ(rotated->key().rotated_from(), old_key.key().id());
  EXPECT_EQ(rotated->key().name(), "feed");
  EXPECT_EQ(rotated->key().entitlements().sources(0), "AP");
  for (absl::Duration t : {absl::Minutes(1), absl::Minutes(59)}) {
    EXPECT_TRUE(table->Authenticate(old_key.secret(), kNow + t).ok());
    EXPECT_TRUE(table->Authenticate(rotated->secret(), kNow + t).ok());
  }
  EXPECT_FALSE(table->Authenticate(old_key.secret(), kNow + absl::Minutes(61)).ok());
  EXPECT_TRUE(table->Authenticate(rotated->secret(), kNow + absl::Hours(100)).ok());
  EXPECT_EQ(table->List()[0].rotated_to(), rotated->key().id());
}

TEST(KeyTable, CertificateGrantHasNoSecret) {
  auto table = *KeyTable::Open(OpenMemoryKeyStore());
  v1::CreateKeyRequest request = KeyRequest("spiffe://newsroom/ap", {v1::SCOPE_PUBLISH});
  request.set_certificate(true);
  auto created = table->Create(request, kNow);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_TRUE(created->secret().empty());
  auto principal = table->AuthenticateCertificate("spiffe://newsroom/ap", kNow);
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ((*principal)->via(), Principal::Via::kCertificate);
  EXPECT_EQ(
      table->AuthenticateCertificate("spiffe://newsroom/other", kNow).status().code(),
      absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(table->Rotate(created->key().id(), absl::Hours(1), kNow).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(table->Revoke(created->key().id(), kNow).ok());
  EXPECT_FALSE(table->AuthenticateCertificate("spiffe://newsroom/ap", kNow).ok());
}

TEST(KeyTable, BadRequestsNameTheField) {
  auto table = *KeyTable::Open(OpenMemoryKeyStore());
  EXPECT_THAT(table->Create(KeyRequest("", {v1::SCOPE_SEARCH}), kNow).status().message(),
              HasSubstr("name"));
  EXPECT_THAT(table->Create(KeyRequest("x", {}), kNow).status().message(),
              HasSubstr("scopes"));
  v1::CreateKeyRequest with_query = KeyRequest("x", {v1::SCOPE_SEARCH});
  with_query.mutable_entitlements()->mutable_filter()->set_query("grain");
  EXPECT_THAT(table->Create(with_query, kNow).status().message(),
              HasSubstr("entitlements.filter.query"));
  v1::CreateKeyRequest past = KeyRequest("x", {v1::SCOPE_SEARCH});
  *past.mutable_expires() = ToProtoTime(kNow - absl::Seconds(1));
  EXPECT_THAT(table->Create(past, kNow).status().message(), HasSubstr("expires"));
  EXPECT_FALSE(table->enforcing());  // Nothing was created.
}

TEST(KeyTable, ArchiveKeepsKeysAcrossRestartsAndNoSecret) {
  TempDir dir;
  std::string secret, id;
  {
    auto archive = SqliteStore::Open(dir.path());
    ASSERT_TRUE(archive.ok()) << archive.status();
    auto store =
        OpenArchiveKeyStore((*archive)->path(), dir.path() + "/" + kPepperFileName);
    ASSERT_TRUE(store.ok()) << store.status();
    auto table = *KeyTable::Open(*std::move(store));
    auto created = *table->Create(KeyRequest("desk", {v1::SCOPE_PUBLISH}), kNow);
    secret = created.secret();
    id = created.key().id();
    auto rotated = *table->Rotate(id, absl::Hours(1), kNow);
    ASSERT_TRUE(table->Revoke(rotated.key().id(), kNow).ok());
  }
  // The pepper is the owner's alone.
  const auto perms =
      std::filesystem::status(dir.path() + "/" + kPepperFileName).permissions();
  EXPECT_EQ(perms & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_FALSE(absl::StrContains(ReadTree(dir.path()), secret.substr(14)));

  auto archive = SqliteStore::Open(dir.path());
  ASSERT_TRUE(archive.ok());
  auto table = *KeyTable::Open(
      *OpenArchiveKeyStore((*archive)->path(), dir.path() + "/" + kPepperFileName));
  EXPECT_TRUE(table->enforcing());
  ASSERT_EQ(table->List().size(), 2u);
  EXPECT_FALSE(table->List()[1].rotated_from().empty());
  EXPECT_TRUE(table->List()[1].has_revoked());
  auto principal = table->Authenticate(secret, kNow + absl::Minutes(30));
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_FALSE(table->Authenticate(secret, kNow + absl::Hours(2)).ok());
}

TEST(KeyTable, MissingPepperIsRefusedByName) {
  TempDir dir;
  const std::string file = dir.path() + "/keys.json";
  {
    auto table = *KeyTable::Open(OpenKeyFile(file));
    ASSERT_TRUE(table->Create(KeyRequest("desk", {v1::SCOPE_PUBLISH}), kNow).ok());
  }
  std::filesystem::remove(file + ".pepper");
  auto reopened = KeyTable::Open(OpenKeyFile(file));
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(reopened.status().message(), HasSubstr(file + ".pepper"));
}

TEST(KeyTable, KeysFileKeepsKeysWithoutSecrets) {
  TempDir dir;
  const std::string file = dir.path() + "/keys.json";
  std::string secret;
  {
    auto table = *KeyTable::Open(OpenKeyFile(file));
    secret = table->Create(KeyRequest("desk", {v1::SCOPE_PUBLISH}), kNow)->secret();
  }
  EXPECT_FALSE(absl::StrContains(ReadAll(file), secret.substr(14)));
  EXPECT_TRUE(absl::StrContains(ReadAll(file), "desk"));
  auto table = *KeyTable::Open(OpenKeyFile(file));
  EXPECT_TRUE(table->Authenticate(secret, kNow).ok());
}

TEST(KeyTable, BrokenKeysFileIsRefusedByName) {
  TempDir dir;
  const std::string file = dir.path() + "/keys.json";
  std::ofstream(file) << "{not json";
  auto table = KeyTable::Open(OpenKeyFile(file));
  ASSERT_FALSE(table.ok());
  EXPECT_THAT(table.status().message(), HasSubstr(file));
}

}  // namespace
}  // namespace newswire
