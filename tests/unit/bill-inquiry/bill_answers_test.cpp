// The edge table (handlers/bill_answers.cpp): each BillStatus's SPEC §2/§5 answer, and
// what a refusal carries on the wire — field errors as VALIDATION_ERROR details, and
// Retry-After on every 503 (the breaker's window when it is open).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <string>
#include <tuple>

#include "handlers/bill_answers.hpp"
#include "http/refusal.hpp"

namespace phonebill::bill {
namespace {

std::string header(const http::Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers)
    if (key == name) return value;
  return {};
}

TEST(BillAnswerTest, EachStatusHasItsSpecAnswer) {
  const std::tuple<BillStatus, int, std::string_view> cases[] = {
      {BillStatus::kForbidden, 403, "FORBIDDEN"},
      {BillStatus::kInvalidInput, 400, "VALIDATION_ERROR"},
      {BillStatus::kLineNotOwned, 403, "LINE_NOT_OWNED"},
      {BillStatus::kLineNotFound, 404, "LINE_NOT_FOUND"},
      {BillStatus::kLineInactive, 409, "LINE_INACTIVE"},
      {BillStatus::kBillNotFound, 404, "BILL_NOT_FOUND"},
      {BillStatus::kNotFound, 404, "NOT_FOUND"},
      {BillStatus::kStorageUnavailable, 503, "SERVICE_UNAVAILABLE"},
      {BillStatus::kKosUnavailable, 503, "KOS_UNAVAILABLE"},
      {BillStatus::kKosTimeout, 504, "KOS_TIMEOUT"},
      {BillStatus::kInternal, 500, "INTERNAL_ERROR"},
  };
  for (const auto& [status, http_status, code] : cases) {
    auto answer = bill_answer(status);
    EXPECT_EQ(answer.status, http_status) << code;
    EXPECT_EQ(answer.code, code);
    EXPECT_FALSE(answer.message.empty()) << code;
    EXPECT_EQ(to_string(status), code) << "history keeps the same word";
  }
}

// KOS unavailable without an estimate still says when to come back; an open circuit
// says its own window.
TEST(BillAnswerTest, KosUnavailableCarriesRetryAfter) {
  http::Request request;
  auto plain = http::respond_refusal(request, refuse(BillStatus::kKosUnavailable), bill_answer);
  EXPECT_EQ(plain.status, 503);
  EXPECT_EQ(header(plain, "Retry-After"), "1");
  auto open = http::respond_refusal(
      request, refuse(BillStatus::kKosUnavailable, std::chrono::seconds{12}), bill_answer);
  EXPECT_EQ(header(open, "Retry-After"), "12");
}

// Field errors travel as VALIDATION_ERROR's details.
TEST(BillAnswerTest, FieldErrorsAreTheDetails) {
  FieldErrors fields;
  fields.add("inquiryMonth", "must not be in the future");
  http::Request request;
  auto response =
      http::respond_refusal(request, refuse(BillStatus::kInvalidInput, fields), bill_answer);
  EXPECT_EQ(response.status, 400);
  auto body = boost::json::parse(response.body);
  const auto& details = body.as_object().at("error").as_object().at("details").as_array();
  EXPECT_EQ(details.at(0).as_object().at("field").as_string(), "inquiryMonth");
}

}  // namespace
}  // namespace phonebill::bill
