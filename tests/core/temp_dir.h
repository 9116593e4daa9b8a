// A fresh directory under the test temp dir, removed with its contents.
#ifndef NEWSWIRE_TESTS_CORE_TEMP_DIR_H_
#define NEWSWIRE_TESTS_CORE_TEMP_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <string>

#include "gtest/gtest.h"

namespace newswire {

class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "newswire-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace newswire

#endif  // NEWSWIRE_TESTS_CORE_TEMP_DIR_H_
