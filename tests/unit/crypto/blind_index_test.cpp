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

}  // namespace
}  // namespace phonebill::crypto
