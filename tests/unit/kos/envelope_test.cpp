// KOS's envelope: what kos-sim sends for success, business errors and 9001, and what a
// client accepts back.
#include <gtest/gtest.h>

#include "core/json.hpp"
#include "core/seoul_time.hpp"
#include "kos/codec.hpp"

using namespace phonebill;
using namespace phonebill::kos;

namespace {

SystemTime sample_time() {
  return seoul_midnight(2026, 11, 25) + std::chrono::hours{9} + std::chrono::minutes{30};
}

}  // namespace

// A success envelope has all six fields, code 0000 and a Seoul timestamp.
TEST(KosEnvelope, SuccessEnvelopeHasEveryField) {
  auto envelope = make_envelope(KosResultCode::kSuccess, boost::json::object{{"x", 1}},
                                sample_time(), "trace-1");
  auto json = to_json(envelope);
  EXPECT_EQ(json.size(), 6u);
  EXPECT_EQ(json.at("success"), true);
  EXPECT_EQ(json.at("resultCode"), "0000");
  EXPECT_EQ(json.at("resultMessage"), "정상 처리되었습니다.");
  EXPECT_EQ(json.at("data").at("x"), 1);
  EXPECT_EQ(json.at("timestamp"), "2026-11-25T09:30:00+09:00");
  EXPECT_EQ(json.at("traceId"), "trace-1");
}

// A business error is success=false with null data; a given message replaces the default.
TEST(KosEnvelope, BusinessErrorEnvelope) {
  auto json = to_json(make_envelope(KosResultCode::kBillNotFound, nullptr, sample_time(), "t"));
  EXPECT_EQ(json.at("success"), false);
  EXPECT_EQ(json.at("resultCode"), "1003");
  EXPECT_TRUE(json.at("data").is_null());
  EXPECT_EQ(json.at("resultMessage").as_string(),
            default_message(KosResultCode::kBillNotFound).data());

  auto custom = make_envelope(KosResultCode::kSystemError, nullptr, sample_time(), "t", "injected");
  EXPECT_EQ(custom.result_message, "injected");
}

// The 9001 answer lists the field errors under data.errors.
TEST(KosEnvelope, InvalidRequestEnvelopeListsFieldErrors) {
  FieldErrors errors;
  errors.add("billingMonth", "must be a month in the form YYYYMM");
  auto json = to_json(make_invalid_request_envelope(errors, sample_time(), "t"));
  EXPECT_EQ(json.at("resultCode"), "9001");
  EXPECT_EQ(json.at("data").at("errors").at(0).at("field"), "billingMonth");
  EXPECT_EQ(http_status(KosResultCode::kInvalidRequest), 400);
}

// What kos-sim sends, a client reads back unchanged (through text).
TEST(KosEnvelope, ParseReadsWhatMakeWrites) {
  auto sent =
      make_envelope(KosResultCode::kChangeProductDiscontinued, nullptr, sample_time(), "00-abc-01");
  auto value = parse_json(to_json_text(to_json(sent)));
  ASSERT_TRUE(value);
  FieldErrors errors;
  auto received = parse_envelope(*value, errors);
  ASSERT_TRUE(received);
  EXPECT_FALSE(received->success);
  EXPECT_EQ(received->result_code, KosResultCode::kChangeProductDiscontinued);
  EXPECT_EQ(received->result_message, sent.result_message);
  EXPECT_EQ(received->timestamp, sent.timestamp);
  EXPECT_EQ(received->trace_id, "00-abc-01");
  EXPECT_TRUE(received->data.is_null());
}

// Only success and resultCode are required; data may be absent.
TEST(KosEnvelope, MinimalEnvelopeIsAccepted) {
  FieldErrors errors;
  auto received = parse_envelope(*parse_json(R"({"success": true, "resultCode": "0000"})"), errors);
  ASSERT_TRUE(received);
  EXPECT_TRUE(received->data.is_null());
}

// Unknown codes, success flags that contradict the code and non-objects are rejected.
TEST(KosEnvelope, InconsistentOrUnknownEnvelopesAreRejected) {
  for (const char* text :
       {R"({"success": true, "resultCode": "7777"})", R"({"success": true, "resultCode": "1001"})",
        R"({"success": false, "resultCode": "0000"})",
        R"({"success": "yes", "resultCode": "0000"})", R"({"resultCode": "0000"})",
        R"("<html>503</html>")"}) {
    FieldErrors errors;
    EXPECT_FALSE(parse_envelope(*parse_json(text), errors)) << text;
    EXPECT_FALSE(errors.empty()) << text;
  }
}
