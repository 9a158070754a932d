// append_json_string: the one hand-written JSON string escaper (the inquiry's answer, the
// history rows, the access log line) writes what boost::json writes.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include "core/json_text.hpp"

using phonebill::append_json_string;

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
