// Command-line flags of the benchmark binaries: "--name VALUE" options and
// bare "--name" switches, each bound to a variable that keeps its value
// when the flag is not given.
//
//   BenchFlags flags;
//   flags.Text("--target", &target).Number("--streams", &streams).Switch("--latency",
//   &latency); if (!flags.Parse(argc, argv, "fanout_sse_subscriber")) return 2;
#ifndef NEWSWIRE_BENCH_FLAGS_H_
#define NEWSWIRE_BENCH_FLAGS_H_

#include <cstdio>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"

namespace newswire::bench {

class BenchFlags {
 public:
  // `name` sets *value to true.
  BenchFlags& Switch(std::string name, bool* value) {
    switches_[std::move(name)] = value;
    return *this;
  }
  // `name VALUE` sets *value to VALUE.
  BenchFlags& Text(std::string name, std::string* value) {
    options_[std::move(name)] = [value](absl::string_view text) {
      *value = std::string(text);
      return true;
    };
    return *this;
  }
  // `name VALUE` sets *value to the number VALUE (an integer, or a decimal
  // for a floating-point T).
  template <typename T>
  BenchFlags& Number(std::string name, T* value) {
    options_[std::move(name)] = [value](absl::string_view text) {
      if constexpr (std::is_floating_point_v<T>) {
        double parsed = 0;
        if (!absl::SimpleAtod(text, &parsed)) return false;
        *value = static_cast<T>(parsed);
        return true;
      } else {
        return absl::SimpleAtoi(text, value);
      }
    };
    return *this;
  }

  // Sets the bound variables from argv[1..]. Returns false, after saying
  // why on stderr as "PROGRAM: ...", for an unknown flag, an option without
  // its value, or a value that is not a number where one is wanted.
  bool Parse(int argc, char** argv, const char* program) const {
    for (int i = 1; i < argc; ++i) {
      const std::string flag = argv[i];
      if (auto it = switches_.find(flag); it != switches_.end()) {
        *it->second = true;
        continue;
      }
      auto it = options_.find(flag);
      if (it == options_.end()) {
        std::fprintf(stderr, "%s: unknown flag %s\n", program, flag.c_str());
        return false;
      }
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s: %s wants a value\n", program, flag.c_str());
        return false;
      }
      if (!it->second(argv[++i])) {
        std::fprintf(stderr, "%s: bad value for %s: %s\n", program, flag.c_str(),
                     argv[i]);
        return false;
      }
    }
    return true;
  }

 private:
  absl::flat_hash_map<std::string, bool*> switches_;
  absl::flat_hash_map<std::string, std::function<bool(absl::string_view)>> options_;
};

}  // namespace newswire::bench

#endif  // NEWSWIRE_BENCH_FLAGS_H_
