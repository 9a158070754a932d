// Webhook signatures: a signed body verifies with the secret it was signed with (or any
// secret of a rotating list), and a changed body, another secret, a stale or future
// timestamp and malformed headers are refused.
#include <gtest/gtest.h>

#include "outbox/webhook_signature.hpp"

namespace phonebill::outbox {
namespace {

constexpr std::int64_t kNow = 1'790'000'000;
constexpr std::chrono::seconds kTolerance{300};

TEST(WebhookSignatureTest, MatchesAKnownHmacSha256) {
  // echo -n '1790000000.{"a":1}' | openssl dgst -sha256 -hmac secret
  EXPECT_EQ(sign("secret", kNow, R"({"a":1})"),
            "t=1790000000,v1=da8fe498621aaab99d5b11c51346b13d1a2bf2914b865b8d3edd3531cab25a3e");
  EXPECT_EQ(sign("secret", kNow, "x").size(), std::string_view{"t=1790000000,v1="}.size() + 64);
}

TEST(WebhookSignatureTest, AcceptsItsOwnSignature) {
  auto header = sign("current", kNow, R"({"id":"e1"})");
  EXPECT_EQ(verify(header, R"({"id":"e1"})", {"current"}, kNow, kTolerance), Verdict::kValid);
}

TEST(WebhookSignatureTest, AcceptsAnyRotatingSecret) {
  // The sender still signs with the old secret; the receiver has the new one first.
  auto header = sign("old", kNow, "body");
  EXPECT_EQ(verify(header, "body", {"new", "old"}, kNow, kTolerance), Verdict::kValid);
  EXPECT_EQ(verify(header, "body", {"new"}, kNow, kTolerance), Verdict::kMismatch);
}

TEST(WebhookSignatureTest, RefusesAChangedBodyOrAForgedSignature) {
  auto header = sign("secret", kNow, R"({"amount":1})");
  EXPECT_EQ(verify(header, R"({"amount":9})", {"secret"}, kNow, kTolerance), Verdict::kMismatch);
  EXPECT_EQ(verify(sign("guess", kNow, "b"), "b", {"secret"}, kNow, kTolerance),
            Verdict::kMismatch);
  EXPECT_EQ(verify("t=1790000000,v1=" + std::string(64, '0'), "b", {"secret"}, kNow, kTolerance),
            Verdict::kMismatch);
}

TEST(WebhookSignatureTest, RefusesStaleAndFutureTimestamps) {
  EXPECT_EQ(verify(sign("s", kNow - 301, "b"), "b", {"s"}, kNow, kTolerance), Verdict::kStale);
  EXPECT_EQ(verify(sign("s", kNow + 301, "b"), "b", {"s"}, kNow, kTolerance), Verdict::kStale);
  EXPECT_EQ(verify(sign("s", kNow - 300, "b"), "b", {"s"}, kNow, kTolerance), Verdict::kValid);
}

TEST(WebhookSignatureTest, RefusesMalformedHeaders) {
  for (std::string header : {"", "v1=abc", "t=,v1=ab", "t=12x,v1=ab", "t=1790000000"})
    EXPECT_EQ(verify(header, "b", {"s"}, kNow, kTolerance), Verdict::kMalformed) << header;
  EXPECT_EQ(verify(sign("s", kNow, "b"), "b", {}, kNow, kTolerance), Verdict::kNoSecret);
}

TEST(WebhookSignatureTest, SecretListsSkipBlanks) {
  EXPECT_EQ(parse_secret_list(" a, ,b,,c "), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(parse_secret_list("").empty());
}

}  // namespace
}  // namespace phonebill::outbox
