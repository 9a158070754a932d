// Answer payloads: every struct survives to_json → parse unchanged, and a malformed
// answer is reported with the JSON path of each bad field.
#include <gtest/gtest.h>

#include "core/json.hpp"
#include "kos/codec.hpp"
#include "support/field_errors_text.hpp"

using namespace phonebill;
using namespace phonebill::kos;

namespace {

using test_support::fields_of;

Bill sample_bill() {
  Bill bill;
  bill.line_number = "01012345678";
  bill.billing_month = BillingMonth{2026, 11};
  bill.customer_name = "홍길동";
  bill.product_code = "5G-STANDARD-001";
  bill.product_name = "5G 스탠다드 플랜";
  bill.contract_info = {ContractType::kTwentyFourMonths, "2026-01-15", "2028-01-14"};
  bill.monthly_fee = 69000;
  bill.usage_fee = 3300;
  bill.discounts = {{"선택약정할인", 17250}, {"가족결합할인", 6900}};
  bill.discount_amount = 24150;
  bill.device_installment = 48120;
  bill.total_amount = 69000 + 3300 - 24150 + 48120;
  bill.usage = {{192, kUnlimited}, {16, kUnlimited}, {69427, 102400}};
  bill.termination_fee = 102780;
  bill.installment = DeviceInstallment{"Galaxy S24", 1155000, 48120, 625680, 13};
  bill.payment_info = {"2026-11-01", "2026-11-25", PaymentStatus::kUnpaid, "자동이체"};
  return bill;
}

Product sample_product(std::string code, ProductStatus status = ProductStatus::kActive) {
  return Product{std::move(code), "LTE 베이직 플랜", "KT", "LTE", 39000, 20, kUnlimited, 100,
                 status,          "데이터 20GB"};
}

}  // namespace

// A full bill, Korean text included, survives a trip through JSON text.
TEST(KosPayloadCodec, BillRoundTripsThroughText) {
  auto bill = sample_bill();
  auto text = to_json_text(to_json(bill));
  auto value = parse_json(text);
  ASSERT_TRUE(value);
  FieldErrors errors;
  EXPECT_EQ(parse_bill(*value, errors), bill) << fields_of(errors);
}

// No device and no contract: installment is null and contract dates are null.
TEST(KosPayloadCodec, BillWithoutDeviceOrContractRoundTrips) {
  auto bill = sample_bill();
  bill.installment.reset();
  bill.contract_info = ContractInfo{};
  bill.discounts.clear();
  auto json = to_json(bill);
  EXPECT_TRUE(json.at("installment").is_null());
  EXPECT_TRUE(json.at("contractInfo").at("startDate").is_null());
  EXPECT_EQ(json.at("contractInfo").at("contractType"), "NONE");
  FieldErrors errors;
  EXPECT_EQ(parse_bill(json, errors), bill);
}

// The wire names and units are the documented ones.
TEST(KosPayloadCodec, BillUsesDocumentedFieldNames) {
  auto json = to_json(sample_bill());
  EXPECT_EQ(json.at("billingMonth"), "202611");
  EXPECT_EQ(json.at("usage").at("dataMb").at("allowance"), 102400);
  EXPECT_EQ(json.at("usage").at("voiceMinutes").at("allowance"), -1);
  EXPECT_EQ(json.at("paymentInfo").at("paymentStatus"), "UNPAID");
  EXPECT_EQ(json.at("discounts").at(0).at("name"), "선택약정할인");
}

// Problems deep inside a bill are named by their path.
TEST(KosPayloadCodec, BillErrorsCarryTheirPath) {
  auto json = to_json(sample_bill());
  json["usage"].as_object()["dataMb"].as_object()["used"] = -5;
  json["discounts"].as_array()[1].as_object().erase("amount");
  json["paymentInfo"].as_object()["paymentStatus"] = "LATE";
  json["paymentInfo"].as_object()["dueDate"] = "2026-02-30";
  json["installment"] = 3;
  FieldErrors errors;
  EXPECT_FALSE(parse_bill(json, errors));
  EXPECT_EQ(fields_of(errors),
            "discounts[1].amount;usage.dataMb.used;installment;paymentInfo.dueDate;"
            "paymentInfo.paymentStatus;");
}

// Available months keep their order; a bad month is named by index.
TEST(KosPayloadCodec, AvailableMonthsRoundTripAndReportBadEntries) {
  AvailableMonths months{"01012345678", {{2026, 11}, {2026, 10}, {2025, 12}}};
  FieldErrors errors;
  EXPECT_EQ(parse_available_months(to_json(months), errors), months);

  auto json = to_json(months);
  json["months"].as_array()[1] = "2026-10";
  EXPECT_FALSE(parse_available_months(json, errors));
  EXPECT_EQ(fields_of(errors), "months[1];");
}

// The catalogue round-trips, discontinued plans included.
TEST(KosPayloadCodec, ProductListRoundTrips) {
  ProductList list{{sample_product("LTE-BASIC-001"),
                    sample_product("3G-OLD-001", ProductStatus::kDiscontinued)}};
  FieldErrors errors;
  EXPECT_EQ(parse_product_list(to_json(list), errors), list);
  EXPECT_EQ(to_json(list).at("products").at(1).at("status"), "DISCONTINUED");
}

// An allowance below -1 or an unknown status is rejected.
TEST(KosPayloadCodec, ProductRejectsImpossibleValues) {
  auto json = to_json(sample_product("LTE-BASIC-001"));
  json["smsAllowance"] = -2;
  json["status"] = "SOLD_OUT";
  FieldErrors errors;
  EXPECT_FALSE(parse_product(json, errors));
  EXPECT_EQ(fields_of(errors), "smsAllowance;status;");
}

// The product inquiry answer carries the line's status, suspended lines included.
TEST(KosPayloadCodec, ProductInquiryResultRoundTrips) {
  ProductInquiryResult result{{"C000000003", "이철수", "01055554444", LineStatus::kSuspended},
                              sample_product("LTE-PREMIUM-001"),
                              ContractInfo{}};
  FieldErrors errors;
  EXPECT_EQ(parse_product_inquiry_result(to_json(result), errors), result);
  EXPECT_EQ(to_json(result).at("customer").at("lineStatus"), "SUSPENDED");
}

// A change result round-trips.
TEST(KosPayloadCodec, ProductChangeResultRoundTrips) {
  ProductChangeResult result{
      "req-1",      "KOS2026112500000001",      "01012345678", "5G-STANDARD-001", "5G-PREMIUM-001",
      "2026-12-01", "2026-11-25T10:00:00+09:00"};
  FieldErrors errors;
  EXPECT_EQ(parse_product_change_result(to_json(result), errors), result);
}

// Completed, failed and unknown orders each round-trip; NOT_FOUND carries only its id.
TEST(KosPayloadCodec, OrderInfoRoundTripsInEveryStatus) {
  OrderInfo completed{"req-1",
                      OrderStatus::kCompleted,
                      "01012345678",
                      "5G-STANDARD-001",
                      "5G-PREMIUM-001",
                      "5G-STANDARD-001",
                      "KOS2026112500000001",
                      "2026-12-01",
                      KosResultCode::kSuccess,
                      "정상 처리되었습니다.",
                      "2026-11-25T10:00:00+09:00"};
  OrderInfo failed = completed;
  failed.status = OrderStatus::kFailed;
  failed.kos_order_number.reset();
  failed.effective_date.reset();
  failed.result_code = KosResultCode::kChangeProductDiscontinued;
  OrderInfo unknown{"req-2", OrderStatus::kNotFound};
  for (const auto& order : {completed, failed, unknown}) {
    FieldErrors errors;
    EXPECT_EQ(parse_order_info(to_json(order), errors), order) << fields_of(errors);
  }
  EXPECT_EQ(to_json(unknown).size(), 2u);
}

// A completed order must name its order number.
TEST(KosPayloadCodec, CompletedOrderWithoutNumberIsRejected) {
  boost::json::object json{{"requestId", "req-1"}, {"status", "COMPLETED"}, {"resultCode", "0000"}};
  FieldErrors errors;
  EXPECT_FALSE(parse_order_info(json, errors));
  EXPECT_EQ(fields_of(errors), "kosOrderNumber;");
}
