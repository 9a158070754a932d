// A domain Refusal rendered at the edge: the service table's answer plus the refusal's
// field errors or retry estimate, and Retry-After on the response.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "http/refusal.hpp"

namespace phonebill::http {
namespace {

enum class SampleStatus { kInvalidInput, kDown, kGone };

ApiError sample_table(SampleStatus status) {
  switch (status) {
    case SampleStatus::kInvalidInput:
      return common_error(CommonError::kValidationError);
    case SampleStatus::kDown:
      return common_error(CommonError::kKosUnavailable);
    case SampleStatus::kGone:
      return ApiError{404, "GONE", "없음", nullptr};
  }
  return common_error(CommonError::kInternalError);
}

TEST(Refusal, FieldErrorsBecomeTheValidationDetailsList) {
  FieldErrors fields;
  fields.add("lineNumber", "must be 01012345678 or 010-1234-5678");
  auto error = refusal_error(refuse(SampleStatus::kInvalidInput, fields), sample_table);
  EXPECT_EQ(error.status, 400);
  EXPECT_EQ(error.code, "VALIDATION_ERROR");
  EXPECT_EQ(boost::json::serialize(error.details),
            R"([{"field":"lineNumber","reason":"must be 01012345678 or 010-1234-5678"}])");
}

TEST(Refusal, RetryAfterBecomesDetailsAndTheRetryAfterHeader) {
  auto refusal = refuse(SampleStatus::kDown, std::chrono::seconds{7});
  auto error = refusal_error(refusal, sample_table);
  EXPECT_EQ(error.status, 503);
  EXPECT_EQ(boost::json::serialize(error.details), R"({"retryAfterSeconds":7})");
  Request request;
  auto response = respond_refusal(request, refusal, sample_table);
  EXPECT_EQ(response.status, 503);
  std::string retry_after;
  for (const auto& [name, value] : response.headers)
    if (name == "Retry-After") retry_after = value;
  EXPECT_EQ(retry_after, "7");
}

TEST(Refusal, PlainStatusIsTheTableAnswerWithoutDetails) {
  auto error = refusal_error(refuse(SampleStatus::kGone), sample_table);
  EXPECT_EQ(error.status, 404);
  EXPECT_EQ(error.code, "GONE");
  EXPECT_TRUE(error.details.is_null());
}

}  // namespace
}  // namespace phonebill::http
