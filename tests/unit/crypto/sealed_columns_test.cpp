// SealedColumns, the service-neutral helper every sealing service uses: text values bound
// to their place (a Redis key, an event id), the blind index in both forms, and the
// parameters it gives the statements.
#include <gtest/gtest.h>

#include "crypto/sealed_columns.hpp"
#include "test_keys.hpp"

namespace phonebill::crypto {
namespace {

using test_keys::key_of;
using test_keys::ring_with;

TEST(SealedColumnsTest, TextValuesOpenOnlyInTheirPlace) {
  auto ring = ring_with({{1, key_of('a')}}, 1);
  SealedColumns sealed{ring};
  auto value = sealed.seal_text("bill.redis", "bill:v2:abc:202611", R"({"totalAmount":45000})");
  EXPECT_EQ(value.find("45000"), std::string::npos);
  auto opened = sealed.open_text(value, "bill.redis", "bill:v2:abc:202611");
  ASSERT_TRUE(opened);
  EXPECT_EQ(*opened, R"({"totalAmount":45000})");
  // Copied under another key, to another field, or garbled: refused, never bytes.
  EXPECT_EQ(sealed.open_text(value, "bill.redis", "bill:v2:xyz:202611").error(),
            OpenError::kRefused);
  EXPECT_EQ(sealed.open_text(value, "outbox_events.body", "bill:v2:abc:202611").error(),
            OpenError::kRefused);
  EXPECT_EQ(sealed.open_text("not base64url!", "bill.redis", "k").error(), OpenError::kMalformed);
  EXPECT_EQ(sealed.open_text(R"({"totalAmount":45000})", "bill.redis", "k").error(),
            OpenError::kMalformed);
}

TEST(SealedColumnsTest, AnotherRingDoesNotOpenAValue) {
  auto ring = ring_with({{1, key_of('a')}}, 1);
  auto other = ring_with({{1, key_of('b')}}, 1);
  auto value = SealedColumns{ring}.seal_text("bill.redis", "k", "secret");
  EXPECT_EQ(SealedColumns{other}.open_text(value, "bill.redis", "k").error(), OpenError::kRefused);
}

TEST(SealedColumnsTest, IndexFormsAgreeAndHideTheLine) {
  auto ring = ring_with({{1, key_of('a')}}, 1);
  SealedColumns sealed{ring};
  auto column = sealed.index("bill.line_number", "01012345678");
  auto text = sealed.index_text("bill.line_number", "01012345678");
  EXPECT_EQ(column.substr(0, 2), "\\x");
  EXPECT_EQ(from_pg_bytea_text(column), from_text(text));
  EXPECT_EQ(text.find("5678"), std::string::npos);
  EXPECT_NE(sealed.index_text("bill.cache.line_number", "01012345678"), text);
  EXPECT_EQ(sealed.index_text("bill.line_number", "01012345678"), text);  // deterministic
}

TEST(SealedColumnsTest, SealedParametersAreByteaTextThatOpens) {
  auto ring = ring_with({{1, key_of('a')}, {2, key_of('b')}}, 2);
  SealedColumns sealed{ring};
  auto parameter = sealed.seal("bill.bill_inquiry_requests.bill", "req-1", "{}");
  auto bytes = from_pg_bytea_text(parameter);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(sealed_key_id(*bytes), KeyId{2});
  auto opened =
      sealed.cipher().open(*bytes, associated_data("bill.bill_inquiry_requests.bill", "req-1"));
  ASSERT_TRUE(opened);
  EXPECT_EQ(*opened, "{}");
}

}  // namespace
}  // namespace phonebill::crypto

namespace phonebill::crypto {
namespace {

// Issue 17: a cache hit opens its value where Redis's reply lies. Same answers as
// open_text, for every value and every refusal.
TEST(SealedColumnsTest, OpeningInPlaceAgreesWithOpenText) {
  auto ring = test_keys::ring_with({{1, test_keys::key_of('a')}}, 1);
  SealedColumns sealed{ring};
  for (std::size_t size : {0, 1, 2, 3, 4, 5, 100, 2047, 2048, 2049}) {
    std::string plain(size, '\0');
    for (std::size_t i = 0; i < size; ++i) plain[i] = char('a' + i % 26);
    auto value = sealed.seal_text("bill.redis", "bill:v3:abc:202611", plain);
    auto in_place = value;
    ASSERT_TRUE(sealed.open_text_in_place(in_place, "bill.redis", "bill:v3:abc:202611"));
    EXPECT_EQ(in_place, plain) << size;
    auto moved = value;
    EXPECT_EQ(sealed.open_text_in_place(moved, "bill.redis", "bill:v3:xyz:202611").error(),
              OpenError::kRefused);
  }
  std::string garbled = "not base64url!";
  EXPECT_EQ(sealed.open_text_in_place(garbled, "bill.redis", "k").error(), OpenError::kMalformed);
  std::string clear = R"({"totalAmount":45000})";
  EXPECT_EQ(sealed.open_text_in_place(clear, "bill.redis", "k").error(), OpenError::kMalformed);
  // A non-canonical last character (leftover bits set) is not base64url, as for from_text.
  std::string loose = "AB";
  EXPECT_FALSE(from_text(loose));
  EXPECT_FALSE(from_text_in_place(loose));
  std::string tight = "AA";
  ASSERT_TRUE(from_text_in_place(tight));
  EXPECT_EQ(tight, std::string(1, '\0'));
}

TEST(SealedColumnsTest, IndexOfPartsIsTheIndexOfTheirConcatenation) {
  auto ring = test_keys::ring_with({{1, test_keys::key_of('a')}}, 1);
  SealedColumns sealed{ring};
  const std::string_view separator{"\0", 1};
  const std::string bill(2000, 'b');
  std::string whole = "01012345678";
  whole.append(separator).append("202611").append(separator).append(bill);
  EXPECT_EQ(sealed.index("purpose", whole),
            pg_bytea_text(sealed.index_bytes(
                "purpose", {"01012345678", separator, "202611", separator, bill})));
}

}  // namespace
}  // namespace phonebill::crypto
