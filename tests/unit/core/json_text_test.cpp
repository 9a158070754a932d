// append_json_string: the one hand-written JSON string escaper (the inquiry's answer, the
// history rows, the access log line) writes what boost::json writes.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include "core/json_text.hpp"

using phonebill::append_json_string;
using phonebill::is_plain_json_string;

// Every control character, quote and backslash escaped as boost::json does; UTF-8 and
// other bytes unchanged; appended after what is already there.
TEST(JsonTextTest, EscapesAsBoostJsonDoes) {
  std::string value;
  for (int code = 0; code < 0x20; ++code) value.push_back(static_cast<char>(code));
  value += "\"\\/ plain 홍길동 \x7f";
  std::string out = "prefix:";
  append_json_string(out, value);
  EXPECT_EQ(out, "prefix:" + boost::json::serialize(boost::json::string(value)));
  std::string empty;
  append_json_string(empty, "");
  EXPECT_EQ(empty, "\"\"");
}

// Escapes first, last, back to back and between long plain runs (the escaper appends the
// runs whole).
TEST(JsonTextTest, EscapesBetweenRunsAsBoostJsonDoes) {
  const std::string run(300, 'a');
  for (std::string value : {"\"" + run, run + "\n", run + "\"\\\t" + run, "\x01\x02" + run + "\x1f",
                            run, std::string{"\""}}) {
    std::string out;
    append_json_string(out, value);
    EXPECT_EQ(out, boost::json::serialize(boost::json::string(value))) << value.size();
  }
}

// The escaper looks for a byte to escape eight bytes at a time (the tail padded): each
// byte that needs an escape and its neighbours that do not, at every position of values
// of 0 to 24 bytes around the 8-byte words, against boost::json's text.
TEST(JsonTextTest, FindsAnEscapeAtEveryPositionOfTheWordsItScans) {
  const std::string bytes = {'\0', '\x01', '\x1f', ' ', '!', '"', '#', '[', '\\', ']', '\x7f',
                             '\x80', '\xa0', '\xdc', '\xe2', '\xff', 'a'};
  for (std::size_t size = 0; size <= 24; ++size) {
    for (std::size_t position = 0; position < size; ++position) {
      for (char byte : bytes) {
        std::string value(size, 'x');
        value[position] = byte;
        std::string out;
        append_json_string(out, value);
        ASSERT_EQ(out, boost::json::serialize(boost::json::string(value)))
            << "size " << size << " position " << position << " byte " << int(byte);
      }
    }
  }
}

// is_plain_json_string says whether the escaper leaves a value as it is, at every position
// of values of 0 to 40 bytes (the 8-byte words, the overlapping last word, the byte loop
// under 8), and appending a plain value of any length (the copy on the stack holds 254
// bytes) writes it between quotes.
TEST(JsonTextTest, TellsAPlainValueAtEveryPositionAndAppendsItWhole) {
  const std::string bytes = {'\0', '\x1f', ' ', '"', '\\', '\x7f', '\x80', '\xff', 'a'};
  for (std::size_t size = 0; size <= 40; ++size) {
    EXPECT_TRUE(is_plain_json_string(std::string(size, 'x'))) << size;
    for (std::size_t position = 0; position < size; ++position) {
      for (char byte : bytes) {
        std::string value(size, 'x');
        value[position] = byte;
        const bool plain = byte != '\0' && byte != '\x1f' && byte != '"' && byte != '\\';
        ASSERT_EQ(is_plain_json_string(value), plain)
            << "size " << size << " position " << position << " byte " << int(byte);
      }
    }
  }
  for (std::size_t size : {253, 254, 255, 256, 1000}) {
    const std::string value(size, 'p');
    std::string out = "[";
    append_json_string(out, value);
    EXPECT_EQ(out, "[\"" + value + "\"") << size;
  }
}
