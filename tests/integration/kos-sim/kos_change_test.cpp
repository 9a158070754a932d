// Product changes: success, every refusal code, idempotency on requestId (also under
// concurrency) and the order lookup used for reconciliation.
#include <boost/json.hpp>

#include <future>
#include <set>
#include <thread>

#include "kos_sim_fixture.hpp"

using namespace phonebill;
using namespace phonebill::test_support;
namespace json = boost::json;

namespace {

json::object change_request(const std::string& line, const std::string& current,
                            const std::string& target, const std::string& request_id) {
  return {{"lineNumber", line},
          {"currentProductCode", current},
          {"targetProductCode", target},
          {"requestId", request_id}};
}

}  // namespace

class KosChangeTest : public KosSimTest {
 public:
  std::string plan_of(const std::string& line) {
    auto reply =
        post_json("/api/v1/kos/product/inquiry",
                  json::object{{"lineNumber", line}, {"requestId", unique_request_id("pi")}});
    return std::string{reply.data().at("currentProduct").at("productCode").as_string()};
  }
};

// A valid change completes, takes effect on the 1st of next month, shows in the next
// inquiry, and repeating the same requestId returns the same order without a new change.
TEST_F(KosChangeTest, ChangeCompletesAndIsIdempotentOnRequestId) {
  std::string line = "01087654321";
  auto before = plan_of(line);
  std::string target = before == "LTE-BASIC-001" ? "LTE-PREMIUM-001" : "LTE-BASIC-001";
  auto request_id = unique_request_id("change");
  auto first =
      post_json("/api/v1/kos/product/change", change_request(line, before, target, request_id));
  ASSERT_EQ(first.result_code(), "0000") << first.body;
  auto order_number = first.data().at("kosOrderNumber").as_string();
  EXPECT_FALSE(order_number.empty());
  EXPECT_EQ(first.data().at("previousProductCode").as_string(), before);
  EXPECT_EQ(first.data().at("newProductCode").as_string(), target);
  auto next = current_month().plus_months(1);
  EXPECT_EQ(first.data().at("effectiveDate").as_string(), std::to_string(next.year) + "-" +
                                                              (next.month < 10 ? "0" : "") +
                                                              std::to_string(next.month) + "-01");
  EXPECT_EQ(plan_of(line), target);

  auto again =
      post_json("/api/v1/kos/product/change", change_request(line, before, target, request_id));
  ASSERT_EQ(again.result_code(), "0000");
  EXPECT_EQ(again.data().at("kosOrderNumber"), order_number);

  auto order = call("GET", "/api/v1/kos/product/change/" + request_id);
  ASSERT_EQ(order.result_code(), "0000") << order.body;
  EXPECT_EQ(order.data().at("status"), "COMPLETED");
  EXPECT_EQ(order.data().at("kosOrderNumber"), order_number);

  // Put the line back for other tests.
  auto back = post_json("/api/v1/kos/product/change",
                        change_request(line, target, before, unique_request_id("restore")));
  EXPECT_EQ(back.result_code(), "0000");
}

// 2001 unknown line, 2002 suspended, 2003 unknown plan, 2004 discontinued, 2005 other
// operator; each refusal is recorded as a FAILED order.
TEST_F(KosChangeTest, ChangeRefusalCodes) {
  struct Case {
    std::string line, target, code;
  };
  auto kt_line_plan = plan_of("01099998888");
  std::vector<Case> cases = {
      {"01000000001", "LTE-BASIC-001", "2001"},  {"01055554444", "LTE-BASIC-001", "2002"},
      {"01099998888", "NO-SUCH-PLAN", "2003"},   {"01099998888", "3G-OLD-001", "2004"},
      {"01099998888", "SKT-5G-STD-001", "2005"},
  };
  for (const auto& c : cases) {
    auto request_id = unique_request_id("refuse");
    auto reply = post_json("/api/v1/kos/product/change",
                           change_request(c.line, "5G-PREMIUM-001", c.target, request_id));
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.result_code(), c.code) << c.line << " -> " << c.target << ": " << reply.body;
    auto order = call("GET", "/api/v1/kos/product/change/" + request_id);
    EXPECT_EQ(order.data().at("status"), "FAILED") << order.body;
    EXPECT_EQ(order.data().at("resultCode").as_string(), c.code);
  }
  EXPECT_EQ(plan_of("01099998888"), kt_line_plan);
}

// An order KOS never saw is NOT_FOUND (0000 envelope), so reconcilers can tell.
TEST_F(KosChangeTest, UnknownOrderIsNotFound) {
  auto reply = call("GET", "/api/v1/kos/product/change/" + unique_request_id("never-sent"));
  ASSERT_EQ(reply.result_code(), "0000") << reply.body;
  EXPECT_EQ(reply.data().at("status"), "NOT_FOUND");
}

// Ten concurrent calls with one requestId make exactly one order.
TEST_F(KosChangeTest, ConcurrentSameRequestIdMakesOneOrder) {
  std::string line = "01099998888";
  auto before = plan_of(line);
  std::string target = before == "5G-STANDARD-001" ? "5G-PREMIUM-001" : "5G-STANDARD-001";
  auto request_id = unique_request_id("race");
  std::vector<std::future<KosReply>> calls;
  for (int i = 0; i < 10; ++i) {
    calls.push_back(std::async(std::launch::async, [&] {
      return post_json("/api/v1/kos/product/change",
                       change_request(line, before, target, request_id));
    }));
  }
  std::set<std::string> order_numbers;
  for (auto& call : calls) {
    auto reply = call.get();
    ASSERT_EQ(reply.result_code(), "0000") << reply.body;
    order_numbers.insert(std::string{reply.data().at("kosOrderNumber").as_string()});
  }
  EXPECT_EQ(order_numbers.size(), 1u);
  EXPECT_EQ(plan_of(line), target);
  post_json("/api/v1/kos/product/change",
            change_request(line, target, before, unique_request_id("restore")));
}
