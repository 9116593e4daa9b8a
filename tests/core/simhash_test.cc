#include "core/model/simhash.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace newswire {
namespace {

constexpr char kStory[] =
    "The city council voted 31 to 4 on Tuesday to approve a new tram line linking the "
    "railway station with the university and the northern suburbs. Construction is "
    "expected to begin in the spring and to last three years, officials said, at a cost "
    "of about 420 million euros shared between the city, the region and the national "
    "government. Opponents argued that the money would be better spent on buses and "
    "cycle lanes, while business groups welcomed the decision as overdue. The mayor said "
    "the first trams would run before the next election.";

TEST(SimHash, IsStableAndIgnoresCaseAndPunctuation) {
  EXPECT_EQ(SimHash(kStory), SimHash(kStory));
  std::string shouted = kStory;
  for (char& c : shouted) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(SimHash(kStory), SimHash(shouted));
  EXPECT_NE(SimHash(kStory), 0u);
}

TEST(SimHash, ShortTextsHaveNone) {
  EXPECT_EQ(SimHash(""), 0u);
  EXPECT_EQ(SimHash("Council approves tram line after a long debate on Tuesday."), 0u);
}

constexpr char kOtherStory[] =
    "Regional health officials said on Tuesday that waiting times at the two main "
    "hospitals had fallen for the third month in a row, after new staff were hired for "
    "the emergency departments. Patients now wait a little over two hours on average, "
    "down from nearly four a year ago. Nurses' unions said the figures hid long delays "
    "for scheduled surgery, and called for more beds rather than more managers. The "
    "health minister is expected to visit both hospitals next week.";

// An outlet's copy of wire story: `changes` words replaced, `cut` words
// dropped from the end.
std::string Edited(const std::vector<std::string>& words, int changes, size_t cut,
                   std::mt19937& random) {
  std::vector<std::string> edited = words;
  for (int i = 0; i < changes; ++i) edited[random() % (edited.size() - cut)] = "reportedly";
  edited.resize(edited.size() - cut);
  return absl::StrJoin(edited, " ");
}

TEST(SimHash, LightEditsStayNear) {
  std::vector<std::string> words = absl::StrSplit(kStory, ' ');
  std::mt19937 random(42);
  // A 90-word story is short for a SimHash: about one word in ten moves a
  // few bits more than the distance.
  const uint64_t original = SimHash(kStory);
  int near_short = 0;
  for (int copy = 0; copy < 200; ++copy) {
    near_short += HammingDistance(original, SimHash(Edited(words, 1, 0, random))) <=
                  kNearDuplicateBits;
  }
  EXPECT_GE(near_short, 180);
  // A longer story (four times this one) keeps a few edits and a cut
  // paragraph within the distance.
  std::vector<std::string> longer;
  for (int i = 0; i < 4; ++i) longer.insert(longer.end(), words.begin(), words.end());
  const uint64_t long_original = SimHash(absl::StrJoin(longer, " "));
  int near = 0;
  for (int copy = 0; copy < 200; ++copy) {
    near += HammingDistance(long_original, SimHash(Edited(longer, 3, 20, random))) <=
            kNearDuplicateBits;
  }
  EXPECT_GE(near, 190);
}

TEST(SimHash, OtherStoriesAreFar) {
  EXPECT_GT(HammingDistance(SimHash(kStory), SimHash(kOtherStory)), 10);
  // Half of one and half of the other is neither.
  std::vector<std::string> a = absl::StrSplit(kStory, ' ');
  std::vector<std::string> b = absl::StrSplit(kOtherStory, ' ');
  a.resize(a.size() / 2);
  a.insert(a.end(), b.begin() + static_cast<long>(b.size() / 2), b.end());
  EXPECT_GT(HammingDistance(SimHash(kStory), SimHash(absl::StrJoin(a, " "))), kNearDuplicateBits);
}

TEST(SimHash, BlocksCoverTheHash) {
  const uint64_t h = 0x1234567890ABCDEFULL;
  EXPECT_EQ(SimHashBlock(h, 0), 0xCDEFu);
  EXPECT_EQ(SimHashBlock(h, 3), 0x1234u);
  EXPECT_EQ(HammingDistance(h, h ^ 0x8000000000000001ULL), 2);
}

}  // namespace
}  // namespace newswire
