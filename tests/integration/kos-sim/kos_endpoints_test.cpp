// The read endpoints of kos-sim against its real database: envelopes, payloads and
// every result code they can give.
#include <boost/json.hpp>

#include "kos_sim_fixture.hpp"

using namespace phonebill;
using namespace phonebill::test_support;
namespace json = boost::json;

namespace {

json::object bill_request(const std::string& line, const std::string& month) {
  return {{"lineNumber", line},
          {"billingMonth", month},
          {"requestId", KosSimTest::unique_request_id("bill")}};
}

std::int64_t integer(const json::value& value, std::string_view key) {
  return value.as_object().at(key).to_number<std::int64_t>();
}

}  // namespace

// The catalogue lists the seven plans of SPEC §8, the discontinued one included.
TEST_F(KosSimTest, ProductListReturnsWholeCatalogue) {
  auto reply = call("GET", "/api/v1/kos/product/list");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.json.at("success"), true);
  EXPECT_EQ(reply.result_code(), "0000");
  EXPECT_EQ(reply.json.at("traceId").as_string().size(), 32u);
  EXPECT_TRUE(reply.json.at("timestamp").as_string().ends_with("+09:00"));
  const auto& products = reply.data().at("products").as_array();
  ASSERT_GE(products.size(), 7u);
  bool found_discontinued = false;
  for (const auto& product : products) {
    if (product.at("productCode") == "3G-OLD-001") {
      found_discontinued = true;
      EXPECT_EQ(product.at("status"), "DISCONTINUED");
      EXPECT_EQ(integer(product, "monthlyFee"), 29000);
    }
    if (product.at("productCode") == "5G-PREMIUM-001") {
      EXPECT_EQ(integer(product, "dataAllowanceGb"), -1);
    }
  }
  EXPECT_TRUE(found_discontinued);
}

// user01's line has a current-month bill whose amounts add up.
TEST_F(KosSimTest, BillInquiryAnswersDemoLineCurrentMonth) {
  auto month = current_month().kos_form();
  auto reply = post_json("/api/v1/kos/bill/inquiry", bill_request("01012345678", month));
  ASSERT_EQ(reply.status, 200) << reply.body;
  ASSERT_EQ(reply.result_code(), "0000") << reply.body;
  const auto& bill = reply.data();
  EXPECT_EQ(bill.at("lineNumber"), "01012345678");
  EXPECT_EQ(integer(bill, "totalAmount"), integer(bill, "monthlyFee") + integer(bill, "usageFee") -
                                              integer(bill, "discountAmount") +
                                              integer(bill, "deviceInstallment"));
  EXPECT_EQ(bill.at("paymentInfo").at("paymentStatus"), "UNPAID");
  EXPECT_TRUE(bill.at("usage").as_object().contains("dataMb"));
}

// The dashed form of a line number is accepted and answered in canonical form.
TEST_F(KosSimTest, BillInquiryAcceptsDashedLineNumber) {
  auto reply = post_json("/api/v1/kos/bill/inquiry",
                         bill_request("010-1234-5678", current_month().plus_months(-3).kos_form()));
  ASSERT_EQ(reply.result_code(), "0000") << reply.body;
  EXPECT_EQ(reply.data().at("lineNumber"), "01012345678");
  EXPECT_EQ(reply.data().at("paymentInfo").at("paymentStatus") == "UNPAID", false);
}

// 1001 unknown line, 1002 suspended line, 1003 no bill (scenario line, or too old).
TEST_F(KosSimTest, BillInquiryResultCodes) {
  auto month = current_month().kos_form();
  auto unknown = post_json("/api/v1/kos/bill/inquiry", bill_request("01000000001", month));
  EXPECT_EQ(unknown.status, 200);
  EXPECT_EQ(unknown.result_code(), "1001");
  EXPECT_EQ(unknown.json.at("success"), false);
  EXPECT_EQ(post_json("/api/v1/kos/bill/inquiry", bill_request("01055554444", month)).result_code(),
            "1002");
  EXPECT_EQ(post_json("/api/v1/kos/bill/inquiry", bill_request("01099990001", month)).result_code(),
            "1003");
  auto too_old = current_month().plus_months(-24).kos_form();
  EXPECT_EQ(
      post_json("/api/v1/kos/bill/inquiry", bill_request("01012345678", too_old)).result_code(),
      "1003");
  auto oldest = current_month().plus_months(-23).kos_form();
  EXPECT_EQ(
      post_json("/api/v1/kos/bill/inquiry", bill_request("01012345678", oldest)).result_code(),
      "0000");
}

// Available months: 24, newest first, the current month at the top; 1001 for unknown.
TEST_F(KosSimTest, AvailableMonthsNewestFirst) {
  auto reply = call("GET", "/api/v1/kos/bill/available-months/01012345678");
  ASSERT_EQ(reply.result_code(), "0000") << reply.body;
  const auto& months = reply.data().at("months").as_array();
  ASSERT_EQ(months.size(), 24u);
  auto first = std::string{months.front().as_string()};
  auto last = std::string{months.back().as_string()};
  EXPECT_EQ(BillingMonth::parse(first), current_month());
  EXPECT_EQ(BillingMonth::parse(last), current_month().plus_months(-23));
  EXPECT_EQ(call("GET", "/api/v1/kos/bill/available-months/01000000001").result_code(), "1001");
  EXPECT_EQ(call("GET", "/api/v1/kos/bill/available-months/01099990001")
                .data()
                .at("months")
                .as_array()
                .size(),
            0u);
}

// Product inquiry gives the customer, line status and current plan; 3001 for unknown.
TEST_F(KosSimTest, ProductInquiryAnswersCustomerAndPlan) {
  auto reply = post_json(
      "/api/v1/kos/product/inquiry",
      json::object{{"lineNumber", "01099998888"}, {"requestId", unique_request_id("pi")}});
  ASSERT_EQ(reply.result_code(), "0000") << reply.body;
  EXPECT_EQ(reply.data().at("customer").at("lineNumber"), "01099998888");
  EXPECT_EQ(reply.data().at("customer").at("lineStatus"), "ACTIVE");
  EXPECT_EQ(reply.data().at("currentProduct").at("operatorCode"), "KT");

  auto suspended = post_json(
      "/api/v1/kos/product/inquiry",
      json::object{{"lineNumber", "01055554444"}, {"requestId", unique_request_id("pi")}});
  ASSERT_EQ(suspended.result_code(), "0000");
  EXPECT_EQ(suspended.data().at("customer").at("lineStatus"), "SUSPENDED");

  auto unknown = post_json(
      "/api/v1/kos/product/inquiry",
      json::object{{"lineNumber", "01000000001"}, {"requestId", unique_request_id("pi")}});
  EXPECT_EQ(unknown.result_code(), "3001");
}

// Scenario lines: 01099990002 always answers 9999, 01099990003 always takes 5 s.
TEST_F(KosSimTest, ScenarioLinesMisbehaveAsSpecified) {
  auto month = current_month().kos_form();
  auto failing = post_json("/api/v1/kos/bill/inquiry", bill_request("01099990002", month));
  EXPECT_EQ(failing.status, 200);
  EXPECT_EQ(failing.result_code(), "9999");
  auto slow = post_json("/api/v1/kos/bill/inquiry", bill_request("01099990003", month),
                        std::chrono::seconds{10});
  EXPECT_EQ(slow.result_code(), "0000") << slow.body;
  EXPECT_GE(slow.elapsed, std::chrono::milliseconds{4900});
}

// KOS data faults give the rare codes: a terminated line is 3002 (and 1002), a line
// whose plan vanished from the catalogue is 3003.
TEST_F(KosSimTest, ProductInquiryRareCodesFromDataFaults) {
  run_sql("UPDATE lines SET status = 'TERMINATED' WHERE line_number = '01099990003'");
  run_sql("ALTER TABLE lines DROP CONSTRAINT IF EXISTS lines_product_fk");
  run_sql("UPDATE lines SET product_code = 'GONE-001' WHERE line_number = '01099990001'");
  auto terminated = post_json(
      "/api/v1/kos/product/inquiry",
      json::object{{"lineNumber", "01099990003"}, {"requestId", unique_request_id("pi")}});
  EXPECT_EQ(terminated.result_code(), "3002") << terminated.body;
  auto terminated_bill = post_json("/api/v1/kos/bill/inquiry",
                                   bill_request("01099990003", current_month().kos_form()));
  EXPECT_EQ(terminated_bill.result_code(), "1002");
  auto orphan = post_json(
      "/api/v1/kos/product/inquiry",
      json::object{{"lineNumber", "01099990001"}, {"requestId", unique_request_id("pi")}});
  EXPECT_EQ(orphan.result_code(), "3003") << orphan.body;
  run_sql("UPDATE lines SET status = 'ACTIVE' WHERE line_number = '01099990003'");
  run_sql("UPDATE lines SET product_code = 'LTE-BASIC-001' WHERE line_number = '01099990001'");
}
