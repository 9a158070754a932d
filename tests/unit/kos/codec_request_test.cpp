// Request bodies and path parameters: what kos-sim accepts, and the field errors it
// answers 9001 with otherwise.
#include <gtest/gtest.h>

#include "core/json.hpp"
#include "kos/codec.hpp"
#include "support/field_errors_text.hpp"

using namespace phonebill;
using namespace phonebill::kos;

namespace {

using test_support::fields_of;

boost::json::value json(std::string_view text) {
  auto value = parse_json(text);
  EXPECT_TRUE(value) << text;
  return value ? *value : boost::json::value{};
}

}  // namespace

// A well-formed bill inquiry parses, and building it again gives the same JSON.
TEST(KosRequestCodec, BillInquiryRoundTrips) {
  FieldErrors errors;
  auto request = parse_bill_inquiry_request(
      json(R"({"lineNumber": "01012345678", "billingMonth": "202611", "requestId": "req-1"})"),
      errors);
  ASSERT_TRUE(request) << fields_of(errors);
  EXPECT_EQ(request->line_number, "01012345678");
  EXPECT_EQ(request->billing_month, (BillingMonth{2026, 11}));
  EXPECT_EQ(request->request_id, "req-1");
  auto again = parse_bill_inquiry_request(to_json(*request), errors);
  EXPECT_EQ(again, request);
  EXPECT_TRUE(errors.empty());
}

// The dashed form of a line number is accepted and normalised.
TEST(KosRequestCodec, DashedLineNumberIsNormalised) {
  FieldErrors errors;
  auto request = parse_product_inquiry_request(
      json(
          R"({"lineNumber": "010-1234-5678", "requestId": "6f1c1a7e-9f7d-4a53-9d1e-4b7b0a1c2d3e"})"),
      errors);
  ASSERT_TRUE(request);
  EXPECT_EQ(request->line_number, "01012345678");
}

// Every bad field is reported at once, each under its own name.
TEST(KosRequestCodec, BillInquiryReportsEveryBadField) {
  FieldErrors errors;
  auto request = parse_bill_inquiry_request(
      json(R"({"lineNumber": "01112345678", "billingMonth": "2026-11", "requestId": 7})"), errors);
  EXPECT_FALSE(request);
  EXPECT_EQ(fields_of(errors), "lineNumber;billingMonth;requestId;");
}

// KOS months are YYYYMM only, with a real month.
TEST(KosRequestCodec, BillingMonthMustBeKosForm) {
  for (const char* month : {"2026-11", "202613", "202600", "20261", "2026111", "abcdef", ""}) {
    FieldErrors errors;
    auto body = boost::json::object{
        {"lineNumber", "01012345678"}, {"billingMonth", month}, {"requestId", "r"}};
    EXPECT_FALSE(parse_bill_inquiry_request(body, errors)) << month;
    EXPECT_EQ(fields_of(errors), "billingMonth;") << month;
  }
}

// Missing fields, null fields and a body that is not an object are all 9001 material.
TEST(KosRequestCodec, MissingFieldsAndNonObjectsAreReported) {
  FieldErrors errors;
  EXPECT_FALSE(parse_product_inquiry_request(json(R"({"lineNumber": null})"), errors));
  EXPECT_EQ(fields_of(errors), "lineNumber;requestId;");
  EXPECT_EQ(errors.list()[0].reason, "required");

  FieldErrors array_errors;
  EXPECT_FALSE(parse_product_inquiry_request(json("[1, 2]"), array_errors));
  EXPECT_EQ(fields_of(array_errors), "body;");
}

// Unknown fields are ignored (SPEC §2).
TEST(KosRequestCodec, UnknownFieldsAreIgnored) {
  FieldErrors errors;
  EXPECT_TRUE(parse_product_inquiry_request(
      json(R"({"lineNumber": "01012345678", "requestId": "r", "extra": {"x": 1}})"), errors));
  EXPECT_TRUE(errors.empty());
}

// A change request round-trips; the target must differ from the current product.
TEST(KosRequestCodec, ProductChangeRoundTripsAndRejectsSameProduct) {
  ProductChangeRequest request{"01012345678", "5G-STANDARD-001", "5G-PREMIUM-001", "req:42"};
  FieldErrors errors;
  EXPECT_EQ(parse_product_change_request(to_json(request), errors), request);

  request.target_product_code = request.current_product_code;
  EXPECT_FALSE(parse_product_change_request(to_json(request), errors));
  EXPECT_EQ(fields_of(errors), "targetProductCode;");
}

// Product codes and request ids are limited to safe characters and lengths.
TEST(KosRequestCodec, CodesAndRequestIdsAreShapeChecked) {
  FieldErrors errors;
  auto body = boost::json::object{{"lineNumber", "01012345678"},
                                  {"currentProductCode", "5G PREMIUM"},
                                  {"targetProductCode", std::string(41, 'A')},
                                  {"requestId", std::string(101, 'r')}};
  EXPECT_FALSE(parse_product_change_request(body, errors));
  EXPECT_EQ(fields_of(errors), "currentProductCode;targetProductCode;requestId;");

  FieldErrors empty_errors;
  body["requestId"] = "";
  body["currentProductCode"] = "A";
  body["targetProductCode"] = "B";
  EXPECT_FALSE(parse_product_change_request(body, empty_errors));
  EXPECT_EQ(fields_of(empty_errors), "requestId;");
}

// Path parameters get the same checks as body fields.
TEST(KosRequestCodec, PathParametersAreValidated) {
  FieldErrors errors;
  EXPECT_EQ(parse_line_number_parameter("010-8765-4321", errors), "01087654321");
  EXPECT_EQ(parse_request_id_parameter("abc-123", errors), "abc-123");
  EXPECT_TRUE(errors.empty());
  EXPECT_FALSE(parse_line_number_parameter("0108765432", errors));
  EXPECT_FALSE(parse_request_id_parameter("a/b", errors));
  EXPECT_EQ(fields_of(errors), "lineNumber;requestId;");
}
