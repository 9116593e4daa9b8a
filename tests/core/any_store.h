// Tests that run against every Store: TEST_P over "memory" and "sqlite".
#ifndef NEWSWIRE_TESTS_CORE_ANY_STORE_H_
#define NEWSWIRE_TESTS_CORE_ANY_STORE_H_

#include <memory>
#include <string>

#include "core/memory_store.h"
#include "core/sqlite_store.h"
#include "gtest/gtest.h"
#include "tests/core/temp_dir.h"

namespace newswire {

// A fixture whose store_ is a MemoryStore or a SqliteStore in dir_, by the
// test's parameter. Instantiate with
//   INSTANTIATE_TEST_SUITE_P(AllStores, Fixture, ::testing::Values("memory", "sqlite"),
//                            [](const auto& info) { return info.param; });
class AnyStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      store_ = std::make_unique<MemoryStore>();
    } else {
      auto store = SqliteStore::Open(dir_.path());
      ASSERT_TRUE(store.ok()) << store.status();
      store_ = *std::move(store);
    }
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

}  // namespace newswire

#endif  // NEWSWIRE_TESTS_CORE_ANY_STORE_H_
