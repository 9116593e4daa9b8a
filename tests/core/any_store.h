// Tests that run against every Store: TEST_P over "file" (the archive in a
// data dir) and "memory" (the archive in memory).
#ifndef NEWSWIRE_TESTS_CORE_ANY_STORE_H_
#define NEWSWIRE_TESTS_CORE_ANY_STORE_H_

#include <memory>
#include <string>

#include "core/store/sqlite_store.h"
#include "gtest/gtest.h"
#include "tests/core/temp_dir.h"

namespace newswire {

// A fixture whose store_ is a SqliteStore in dir_ or in memory, by the
// test's parameter. Instantiate with
//   INSTANTIATE_TEST_SUITE_P(AllStores, Fixture, ::testing::Values("file", "memory"),
//                            [](const auto& info) { return info.param; });
class AnyStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto store = GetParam() == "memory" ? SqliteStore::OpenInMemory()
                                        : SqliteStore::Open(dir_.path());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

}  // namespace newswire

#endif  // NEWSWIRE_TESTS_CORE_ANY_STORE_H_
