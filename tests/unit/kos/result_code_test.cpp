// KosResultCode: wire text, messages and how callers classify each code (SPEC §7).
#include "kos/result_code.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

using namespace phonebill::kos;

// Every code survives text and back, and no two codes share a text.
TEST(KosResultCode, EveryCodeRoundTripsThroughItsText) {
  std::set<std::string> seen;
  for (auto code : kAllKosResultCodes) {
    auto text = to_text(code);
    EXPECT_EQ(text.size(), 4u);
    EXPECT_EQ(parse_result_code(text), code) << text;
    EXPECT_TRUE(seen.insert(std::string{text}).second) << text;
    EXPECT_FALSE(default_message(code).empty()) << text;
  }
  EXPECT_EQ(seen.size(), 14u);
}

// The numbers are the ones SPEC §8 gives.
TEST(KosResultCode, TextsMatchTheSpec) {
  EXPECT_EQ(to_text(KosResultCode::kSuccess), "0000");
  EXPECT_EQ(to_text(KosResultCode::kBillNotFound), "1003");
  EXPECT_EQ(to_text(KosResultCode::kChangeOperatorMismatch), "2005");
  EXPECT_EQ(to_text(KosResultCode::kProductDataUnavailable), "3003");
  EXPECT_EQ(to_text(KosResultCode::kInvalidRequest), "9001");
  EXPECT_EQ(to_text(KosResultCode::kSystemError), "9999");
}

// Unknown, short, padded or empty texts are not codes.
TEST(KosResultCode, UnknownTextIsNotACode) {
  for (const char* text : {"", "0", "000", "00000", "1004", "2006", "9000", " 0000", "abcd"})
    EXPECT_FALSE(parse_result_code(text)) << text;
}

// 1001…3003 are answers; 9999 is a failure and retryable; 9001 is neither.
TEST(KosResultCode, ClassifiesBusinessErrorsApartFromFailures) {
  for (auto code : kAllKosResultCodes) {
    auto text = std::string{to_text(code)};
    bool business = text[0] >= '1' && text[0] <= '3';
    EXPECT_EQ(is_business_error(code), business) << text;
    EXPECT_EQ(counts_as_failure(code), text == "9999") << text;
    EXPECT_EQ(is_retryable(code), text == "9999") << text;
  }
  EXPECT_EQ(classify(KosResultCode::kSuccess), KosOutcome::kSuccess);
  EXPECT_EQ(classify(KosResultCode::kInvalidRequest), KosOutcome::kRejected);
  EXPECT_EQ(classify(KosResultCode::kSystemError), KosOutcome::kSystemError);
  EXPECT_EQ(classify(KosResultCode::kBillLineInactive), KosOutcome::kBusinessError);
}

// KOS answers HTTP 200 for everything but malformed input.
TEST(KosResultCode, OnlyInvalidRequestIsNot200) {
  for (auto code : kAllKosResultCodes)
    EXPECT_EQ(http_status(code), code == KosResultCode::kInvalidRequest ? 400 : 200);
}
