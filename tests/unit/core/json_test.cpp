// parse_json's limits and JsonReader's type checks and FieldErrors.
#include "core/json.hpp"

#include <gtest/gtest.h>

using namespace phonebill;

// Malformed text, trailing garbage and absurd nesting are all "not JSON".
TEST(Json, RejectsMalformedText) {
  EXPECT_FALSE(parse_json("{"));
  EXPECT_FALSE(parse_json("{} x"));
  EXPECT_FALSE(parse_json(std::string(100, '[') + std::string(100, ']')));
  EXPECT_TRUE(parse_json(R"({"a": [1, 2]})"));
}

// Wrong types and missing required fields are reported per field; unknown ones ignored.
TEST(Json, ReaderReportsEachBadField) {
  auto value = parse_json(R"({"name": 5, "count": "x", "flag": true, "extra": 1, "ratio": 2})");
  ASSERT_TRUE(value);
  FieldErrors errors;
  JsonReader reader{value->as_object(), errors};
  EXPECT_FALSE(reader.string("name", Presence::kRequired));
  EXPECT_FALSE(reader.integer("count", Presence::kOptional));
  EXPECT_EQ(reader.boolean("flag", Presence::kRequired), true);
  EXPECT_EQ(reader.number("ratio", Presence::kRequired), 2.0);
  EXPECT_FALSE(reader.string("missing", Presence::kRequired));
  EXPECT_FALSE(reader.string("optional", Presence::kOptional));
  ASSERT_EQ(errors.list().size(), 3u);
  EXPECT_EQ(errors.list()[0].field, "name");
  EXPECT_EQ(errors.list()[2].reason, "required");
}
