// any_byte (http/byte_scan.hpp): every position counts, in a 32-byte block and in the tail.
#include <gtest/gtest.h>

#include <string>

#include "http/byte_scan.hpp"

namespace phonebill::http {
namespace {

bool has_blank_or_control(std::string_view text) {
  return any_byte(text, [](unsigned char byte) { return (byte < 0x21) | (byte == 0x7F); });
}

TEST(ByteScanTest, FindsAMatchAtEveryPosition) {
  for (std::size_t size : {0u, 1u, 31u, 32u, 33u, 63u, 64u, 65u, 427u}) {
    std::string text(size, 'a');
    EXPECT_FALSE(has_blank_or_control(text)) << "size " << size;
    for (std::size_t at = 0; at < size; ++at) {
      for (char bad : {' ', '\t', '\0', '\x7F'}) {
        auto changed = text;
        changed[at] = bad;
        EXPECT_TRUE(has_blank_or_control(changed)) << "size " << size << " at " << at;
      }
    }
  }
}

TEST(ByteScanTest, ReadsBytesAsUnsigned) {
  std::string text(40, 'a');
  EXPECT_FALSE(any_byte(text, [](unsigned char byte) { return byte >= 0x80; }));
  text[35] = char(0xC3);
  EXPECT_TRUE(any_byte(text, [](unsigned char byte) { return byte >= 0x80; }));
  EXPECT_FALSE(has_blank_or_control(text));  // 0xC3 is neither a control nor DEL
}

}  // namespace
}  // namespace phonebill::http
