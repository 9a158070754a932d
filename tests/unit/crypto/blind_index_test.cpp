// The blind index: stable for one key, unrelated under another key or purpose.
#include <gtest/gtest.h>

#include "crypto/blind_index.hpp"
#include "security/encoding.hpp"
#include "test_keys.hpp"

namespace phonebill::crypto {
namespace {

using test_keys::key_of;
using test_keys::ring_with;

constexpr std::string_view kPurpose = "auth.users.line_number";

TEST(BlindIndexTest, StableForOneKey) {
  auto ring = ring_with({{1, key_of('a')}}, 1);
  BlindIndex index{ring};
  auto first = index.compute(kPurpose, "01012345678");
  EXPECT_EQ(first.size(), kBlindIndexBytes);
  EXPECT_EQ(index.compute(kPurpose, "01012345678"), first);
  // A second ring with the same index key (another instance, a restart) agrees.
  auto same = ring_with({{2, key_of('b')}}, 2);
  EXPECT_EQ(BlindIndex{same}.compute(kPurpose, "01012345678"), first);
  EXPECT_NE(index.compute(kPurpose, "01087654321"), first);
  EXPECT_EQ(security::to_hex(first).find("01012345678"), std::string::npos);
}

TEST(BlindIndexTest, DependsOnTheKeyAndThePurpose) {
  auto ring = ring_with({{1, key_of('a')}}, 1);
  auto other = ring_with({{1, key_of('a')}}, 1, key_of('j'));
  auto value = BlindIndex{ring}.compute(kPurpose, "01012345678");
  EXPECT_NE(BlindIndex{other}.compute(kPurpose, "01012345678"), value);
  EXPECT_NE(BlindIndex{ring}.compute("bill.history.line_number", "01012345678"), value);
  // Rotating the sealing keys leaves the index alone (it has its own key).
  auto rotated = ring_with({{1, key_of('a')}, {2, key_of('b')}}, 2);
  EXPECT_EQ(BlindIndex{rotated}.compute(kPurpose, "01012345678"), value);
}


// Issue 17 item 3: a line asked for again is answered from the memo, not hashed again
// (a cached inquiry hashed its line twice per request, ~1 µs each); the answer is the
// hash's, whatever the memo evicted.
TEST(BlindIndexTest, ALineAskedForAgainIsNotHashedAgain) {
  auto ring = ring_with({{1, key_of('a')}}, 1);
  BlindIndex index{ring};
  const auto first = index.compute(kPurpose, "01012345678");
  EXPECT_EQ(index.hashes_computed(), 1u);
  EXPECT_EQ(index.compute(kPurpose, "01012345678"), first);
  const auto digest = index.digest(kPurpose, "01012345678");
  EXPECT_EQ(std::string(digest.data(), digest.size()), first);
  EXPECT_EQ(index.compute_parts(kPurpose, {"01012345678"}), first);
  EXPECT_EQ(index.hashes_computed(), 1u);  // before the memo: 4
  // Another purpose is another hash, and remembered apart.
  const auto other = index.compute("bill.cache.line_number", "01012345678");
  EXPECT_NE(other, first);
  EXPECT_EQ(index.compute("bill.cache.line_number", "01012345678"), other);
  EXPECT_EQ(index.hashes_computed(), 2u);
  // A long value (a bill's parts) is never kept.
  const std::string long_value(100, 'x');
  index.compute(kPurpose, long_value);
  index.compute(kPurpose, long_value);
  EXPECT_EQ(index.hashes_computed(), 4u);
}

TEST(BlindIndexTest, TheMemoNeverAnswersAnotherValuesIndex) {
  auto ring = ring_with({{1, key_of('a')}}, 1);
  BlindIndex memoised{ring};
  constexpr int kLines = 3 * BlindIndex::kMemoSlots;  // evictions and shared slots
  for (int round = 0; round < 2; ++round) {
    for (int line = 0; line < kLines; ++line) {
      const auto text = "010" + std::to_string(10'000'000 + line);
      const auto purpose = line % 2 ? kPurpose : std::string_view{"bill.line_number"};
      // A fresh instance hashes every time: the memo must agree with it.
      ASSERT_EQ(memoised.compute(purpose, text), BlindIndex{ring}.compute(purpose, text))
          << text;
    }
  }
  // Indexes under another key never come from this one's memo.
  auto other = ring_with({{1, key_of('a')}}, 1, key_of('j'));
  EXPECT_NE(BlindIndex{other}.compute(kPurpose, "01010000001"),
            memoised.compute(kPurpose, "01010000001"));
}

}  // namespace
}  // namespace phonebill::crypto
