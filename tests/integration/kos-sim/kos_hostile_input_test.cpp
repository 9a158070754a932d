// Malformed and hostile input gets a clear 9001 (or 404/405/413/431) and never takes
// kos-sim down.
#include <boost/json.hpp>

#include "kos_sim_fixture.hpp"

using namespace phonebill;
using namespace phonebill::test_support;
namespace json = boost::json;

namespace {
bool names_field(const KosReply& reply, const std::string& field) {
  if (!reply.data().is_object() || !reply.data().as_object().contains("errors")) return false;
  for (const auto& error : reply.data().at("errors").as_array())
    if (error.at("field").as_string() == field) return true;
  return false;
}
}  // namespace

// Not JSON, JSON of the wrong shape, wrong types: 400 with 9001 naming the problem.
TEST_F(KosSimTest, MalformedBodiesAre9001) {
  for (const std::string body : {"", "{", "[1,2]", "\"text\"", "{\"lineNumber\": }", "null"}) {
    auto reply = call("POST", "/api/v1/kos/bill/inquiry", body);
    EXPECT_EQ(reply.status, 400) << body;
    EXPECT_EQ(reply.result_code(), "9001") << body << " -> " << reply.body;
  }
  auto wrong_types = post_json(
      "/api/v1/kos/bill/inquiry",
      json::object{{"lineNumber", 1012345678}, {"billingMonth", 202611}, {"requestId", true}});
  EXPECT_EQ(wrong_types.status, 400);
  EXPECT_TRUE(names_field(wrong_types, "lineNumber")) << wrong_types.body;
  EXPECT_TRUE(names_field(wrong_types, "billingMonth"));
  EXPECT_TRUE(names_field(wrong_types, "requestId"));
}

// Bad line numbers and months are refused field by field.
TEST_F(KosSimTest, BadLineAndMonthAre9001) {
  auto reply = post_json("/api/v1/kos/bill/inquiry", json::object{{"lineNumber", "011-1234-5678"},
                                                                  {"billingMonth", "2026-13"},
                                                                  {"requestId", "ok-1"}});
  EXPECT_EQ(reply.result_code(), "9001");
  EXPECT_TRUE(names_field(reply, "lineNumber")) << reply.body;
  EXPECT_TRUE(names_field(reply, "billingMonth"));
  auto path = call("GET", "/api/v1/kos/bill/available-months/not-a-line");
  EXPECT_EQ(path.status, 400);
  EXPECT_EQ(path.result_code(), "9001");
  auto missing =
      post_json("/api/v1/kos/product/change", json::object{{"lineNumber", "01012345678"}});
  EXPECT_TRUE(names_field(missing, "targetProductCode")) << missing.body;
  EXPECT_TRUE(names_field(missing, "requestId"));
}

// A body over 64 KiB is 413, unknown paths 404 and wrong methods 405, all as envelopes.
TEST_F(KosSimTest, OversizedAndUnroutedRequests) {
  auto huge = call("POST", "/api/v1/kos/bill/inquiry", std::string(70 * 1024, 'x'));
  EXPECT_EQ(huge.status, 413);
  EXPECT_EQ(huge.result_code(), "9001");
  auto unknown = call("GET", "/api/v1/kos/nothing");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.result_code(), "9001");
  auto wrong_method = call("DELETE", "/api/v1/kos/product/list");
  EXPECT_EQ(wrong_method.status, 405);
}

// Garbage from many angles, then a normal request still works.
TEST_F(KosSimTest, SurvivesAHostileBarrage) {
  std::vector<std::string> bodies = {
      std::string(10000, '['),
      std::string(10000, '{'),
      "{\"lineNumber\": \"\\u0000\"}",
      "{\"lineNumber\": \"" + std::string(5000, '9') + "\"}",
      "\xff\xfe\xfd",
      R"({"lineNumber": "01012345678", "billingMonth": "999999", "requestId": "x"})",
      R"({"lineNumber": "01012345678", "billingMonth": "202611", "requestId": ")" +
          std::string(500, 'a') + "\"}"};
  for (const auto& body : bodies) {
    auto reply = call("POST", "/api/v1/kos/bill/inquiry", body);
    EXPECT_EQ(reply.status, 400) << body.substr(0, 40);
  }
  auto header = call("GET", "/api/v1/kos/product/list", {}, std::chrono::seconds{5},
                     "X-Big: " + std::string(20000, 'h'));
  EXPECT_EQ(header.status, 431);
  EXPECT_EQ(call("GET", "/api/v1/kos/product/list").result_code(), "0000");
  EXPECT_EQ(call("GET", "/healthz").status, 200);
}
