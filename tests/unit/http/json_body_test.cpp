// The one JSON body reader: a blank body is an empty object, not JSON is INVALID_JSON,
// JSON of another kind is VALIDATION_ERROR naming "body".
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "http/json_body.hpp"
#include "http/refusal.hpp"

namespace phonebill::http {
namespace {

Request with_body(std::string body) {
  Request request;
  request.method = "POST";
  request.body = std::move(body);
  return request;
}

TEST(JsonBody, AnObjectIsRead) {
  auto body = read_json_object(with_body(R"({"lineNumber": "01012345678"})"));
  ASSERT_TRUE(body);
  EXPECT_EQ(body->at("lineNumber").as_string(), "01012345678");
}

TEST(JsonBody, ABlankBodyIsAnEmptyObject) {
  for (std::string blank : {"", " ", "\r\n\t "}) {
    auto body = read_json_object(with_body(blank));
    ASSERT_TRUE(body) << '"' << blank << '"';
    EXPECT_TRUE(body->empty());
  }
}

TEST(JsonBody, TextThatIsNotJsonIsInvalidJson) {
  for (std::string text : {"{", "{not json", "{\"a\": 1} trailing"}) {
    auto body = read_json_object(with_body(text));
    ASSERT_FALSE(body) << text;
    EXPECT_EQ(body.error().status, BodyStatus::kInvalidJson);
    auto answer = refusal_error(body.error(), body_answer);
    EXPECT_EQ(answer.status, 400);
    EXPECT_EQ(answer.code, "INVALID_JSON");
  }
}

TEST(JsonBody, JsonThatIsNotAnObjectNamesTheBody) {
  for (std::string text : {"[1,2]", "\"text\"", "null", "7"}) {
    auto body = read_json_object(with_body(text));
    ASSERT_FALSE(body) << text;
    EXPECT_EQ(body.error().status, BodyStatus::kNotAnObject);
    auto answer = refusal_error(body.error(), body_answer);
    EXPECT_EQ(answer.status, 400);
    EXPECT_EQ(answer.code, "VALIDATION_ERROR");
    EXPECT_EQ(boost::json::serialize(answer.details),
              R"([{"field":"body","reason":"must be a JSON object"}])");
  }
}

}  // namespace
}  // namespace phonebill::http
