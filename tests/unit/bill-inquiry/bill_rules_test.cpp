// bill-inquiry's pure parts: month validation (SPEC §0, §5) and billInfo's shape
// (request coalescing's own tests moved with SingleFlight to tests/unit/resilience).
#include <gtest/gtest.h>

#include "bill_service.hpp"
#include "bill_views.hpp"
#include "cached_bill_value.hpp"
#include "core/epoch_milliseconds.hpp"
#include "core/json.hpp"

namespace phonebill::bill {
namespace {

const BillingMonth kCurrent{2026, 11};

std::optional<BillingMonth> check(std::optional<std::string> input, FieldErrors& errors) {
  return validate_month(input, kCurrent, errors);
}

// No month means the current one; both input forms are accepted.
TEST(ValidateMonthTest, DefaultsAndFormats) {
  FieldErrors errors;
  EXPECT_EQ(check(std::nullopt, errors), kCurrent);
  EXPECT_EQ(check("2026-10", errors), (BillingMonth{2026, 10}));
  EXPECT_EQ(check("202610", errors), (BillingMonth{2026, 10}));
  EXPECT_TRUE(errors.empty());
}

// The future, months older than 24, and other shapes are errors on inquiryMonth.
TEST(ValidateMonthTest, RejectsFutureOldAndMalformed) {
  for (const char* bad : {"2026-12", "2024-11", "2026-13", "26-11", "2026/11", ""}) {
    FieldErrors errors;
    EXPECT_FALSE(check(bad, errors)) << bad;
    ASSERT_EQ(errors.list().size(), 1u) << bad;
    EXPECT_EQ(errors.list()[0].field, "inquiryMonth");
  }
  FieldErrors errors;
  EXPECT_TRUE(check("2024-12", errors)) << "23 months back is still allowed";
}

// Unlimited allowances read "무제한"; money stays integer KRW.
TEST(BillInfoTest, ShowsUnlimitedAllowances) {
  kos::Bill bill;
  bill.line_number = "01012345678";
  bill.billing_month = kCurrent;
  bill.usage.data_mb = kos::UsageAmount{1200, kos::kUnlimited};
  bill.total_amount = 89000;
  auto info = bill_info(bill);
  EXPECT_EQ(info.at("billingMonth").as_string(), "2026-11");
  EXPECT_EQ(info.at("usage").at("data").at("allowance").as_string(), "무제한");
  EXPECT_EQ(info.at("totalAmount").as_int64(), 89000);
}

// The cache keeps the billInfo bytes as shown (issue 17): they come back byte for byte,
// with the times and the total, and the same object is shared, not copied, by every holder.
TEST(CachedBillValueTest, KeepsTheShownBytes) {
  kos::Bill bill;
  bill.line_number = "01012345678";
  bill.billing_month = kCurrent;
  bill.customer_name = "홍길동";
  bill.total_amount = 45210;
  const auto shown = shown_bill(bill);
  EXPECT_EQ(*shown.info_json, to_json_text(bill_info(bill)));
  EXPECT_EQ(shown.total_amount, 45210);
  const auto cached_at = from_epoch_milliseconds(1'795'000'000'123);
  const auto fresh_until = from_epoch_milliseconds(1'795'003'600'123);
  auto text = encode_cached_bill(shown, cached_at, fresh_until);
  EXPECT_EQ(text, "1795000000123 1795003600123 45210\n" + *shown.info_json);
  auto value = decode_cached_bill(text);
  ASSERT_TRUE(value);
  EXPECT_EQ(value->bill, shown);
  EXPECT_EQ(value->cached_at, cached_at);
  EXPECT_EQ(value->fresh_until, fresh_until);
  // Not one of ours: a miss, never a bill.
  for (const char* bad : {"", "{\"cachedAt\":1}", "1 2\n{}", "1 2 3\n", "1 2 x\n{}", "1 2 3 4\n{}",
                          "1 2 3\nnot json"})
    EXPECT_FALSE(decode_cached_bill(bad)) << bad;
}

// bill:v4 (issue 17, session 12): the document key rides after the total as 64 hex digits
// and comes back as the same 32 bytes; a v3 line (no key) still reads, without one.
TEST(CachedBillValueTest, CarriesTheDocumentKey) {
  kos::Bill bill;
  bill.line_number = "01012345678";
  bill.billing_month = *BillingMonth::parse("2026-11");
  bill.total_amount = 45210;
  auto shown = shown_bill(bill);
  DocumentKey key{};
  for (std::size_t index = 0; index < key.size(); ++index)
    key[index] = static_cast<char>(index * 9 + 250);  // bytes above 0x7f too
  shown.document_key = key;
  const auto cached_at = from_epoch_milliseconds(1'795'000'000'123);
  const auto fresh_until = from_epoch_milliseconds(1'795'003'600'123);
  auto text = encode_cached_bill(shown, cached_at, fresh_until);
  const auto line = text.substr(0, text.find('\n'));
  ASSERT_EQ(line.size(), std::string_view{"1795000000123 1795003600123 45210 "}.size() + 64)
      << line;
  auto value = decode_cached_bill(text);
  ASSERT_TRUE(value);
  EXPECT_EQ(*value->bill.info_json, *shown.info_json);
  ASSERT_TRUE(value->bill.document_key);
  EXPECT_EQ(*value->bill.document_key, key);

  shown.document_key.reset();
  auto v3 = decode_cached_bill(encode_cached_bill(shown, cached_at, fresh_until));
  ASSERT_TRUE(v3);
  EXPECT_FALSE(v3->bill.document_key);
  // A key that is not exactly 64 lower-case hex digits: not one of ours.
  const std::string json = *shown.info_json;
  for (const std::string bad : {std::string(63, 'a'), std::string(65, 'a'), std::string(64, 'A'),
                                std::string(63, 'a') + "g", std::string(64, 'a') + " 1"})
    EXPECT_FALSE(decode_cached_bill("1 2 3 " + bad + "\n" + json)) << bad;
}

// The answer embeds the billInfo bytes as the data's last member: byte for byte the
// document a tree with billInfo in it serialises to (with and without cachedAt, and with
// a request id that needs escaping).
TEST(CachedBillValueTest, AnswerBodyIsTheEnvelopeWithTheBillBytes) {
  kos::Bill bill;
  bill.line_number = "01012345678";
  bill.billing_month = kCurrent;
  bill.customer_name = "홍길동 \"quoted\"";
  bill.total_amount = 45210;
  for (std::optional<SystemTime> cached_at :
       {std::optional<SystemTime>{},
        std::optional<SystemTime>{SystemTime{} + std::chrono::milliseconds{1700000000123}}}) {
    for (std::string id : {"r-1", "odd \"id\"\n\x01"}) {
      InquiryAnswer answer{id, BillSource::kCache, cached_at, shown_bill(bill)};
      auto data = inquiry_view(answer);
      data["billInfo"] = bill_info(bill);
      EXPECT_EQ(inquiry_answer_body(answer),
                to_json_text(boost::json::object{{"success", true}, {"data", data}}));
    }
  }
}

}  // namespace
}  // namespace phonebill::bill
