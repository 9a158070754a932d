// base64url strictness, SHA-256 and hex, and the opaque refresh tokens built on them.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "security/encoding.hpp"
#include "security/random_token.hpp"

namespace phonebill::security {
namespace {

// RFC 4648 §10 vectors, in the URL-safe alphabet without padding.
TEST(HexTest, RoundTripsAndRefusesNonHex) {
  EXPECT_EQ(from_hex(to_hex(std::string{"\x00\x7f\xff ok", 5})), std::string("\x00\x7f\xff ok", 5));
  EXPECT_EQ(from_hex("ABcd"), std::string("\xab\xcd"));
  EXPECT_EQ(from_hex(""), std::string{});
  EXPECT_EQ(from_hex("abc"), std::nullopt);  // odd length
  EXPECT_EQ(from_hex("zz"), std::nullopt);
  EXPECT_EQ(from_hex("0x"), std::nullopt);
}

TEST(Base64UrlTest, EncodesTheRfcVectors) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_encode("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
}

// Every byte string survives a round trip.
TEST(Base64UrlTest, RoundTripsAllByteValues) {
  std::string bytes;
  for (int value = 0; value < 256; ++value) bytes += static_cast<char>(value);
  for (std::size_t length = 0; length <= bytes.size(); length += 7) {
    const auto prefix = bytes.substr(0, length);
    EXPECT_EQ(base64url_decode(base64url_encode(prefix)), prefix) << length;
  }
}

// Padding, the standard alphabet's + and /, impossible lengths and non-zero spare bits
// are refused, so each byte string has exactly one accepted encoding.
TEST(Base64UrlTest, RejectsNonCanonicalText) {
  EXPECT_FALSE(base64url_decode("Zg=="));
  EXPECT_FALSE(base64url_decode("+/8"));
  EXPECT_FALSE(base64url_decode("Z"));
  EXPECT_FALSE(base64url_decode("Zh"));   // "Zg" with a spare bit set
  EXPECT_FALSE(base64url_decode("Zm9"));  // "Zm8" with a spare bit set
  EXPECT_FALSE(base64url_decode("Zm 9v"));
  EXPECT_TRUE(base64url_decode(""));
}

// Decoding where the text lies gives the same bytes for every length (whole groups of four
// and the two- and three-character tails) and refuses the same texts, a bad character in
// the tail included.
TEST(Base64UrlTest, DecodesInPlaceLikeACopy) {
  std::string bytes;
  for (int value = 0; value < 256; ++value) bytes += static_cast<char>(255 - value);
  for (std::size_t length = 0; length <= 70; ++length) {
    std::string text = base64url_encode(bytes.substr(0, length));
    ASSERT_TRUE(base64url_decode_in_place(text)) << length;
    EXPECT_EQ(text, bytes.substr(0, length)) << length;
  }
  for (std::string bad : {"Zg==", "+/8", "Z", "Zh", "Zm9", "Zm 9v", "Zm9vY.", "Zm9vYm!"}) {
    EXPECT_FALSE(base64url_decode_in_place(bad)) << bad;
  }
}

// SHA-256 of "abc" (FIPS 180-2), as hex.
TEST(Sha256Test, MatchesTheKnownDigest) {
  EXPECT_EQ(to_hex(sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// Many blocks, the empty input, and another thread's context (each thread keeps its own):
// the FIPS 180-2 million-'a' digest and the empty-string digest.
TEST(Sha256Test, MatchesTheKnownDigestsOnEveryThread) {
  const std::string million(1'000'000, 'a');
  constexpr std::string_view kMillion =
      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
  constexpr std::string_view kEmpty =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  EXPECT_EQ(to_hex(sha256(million)), kMillion);
  EXPECT_EQ(to_hex(sha256("")), kEmpty);
  std::string on_other_thread;
  std::thread([&] { on_other_thread = to_hex(sha256(million)); }).join();
  EXPECT_EQ(on_other_thread, kMillion);
  EXPECT_EQ(to_hex(sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// Refresh tokens are 43 base64url characters and do not repeat.
TEST(RefreshTokenTest, IsLongRandomAndUrlSafe) {
  std::set<std::string> seen;
  for (int index = 0; index < 1000; ++index) {
    const auto token = generate_refresh_token();
    ASSERT_EQ(token.size(), 43u);
    EXPECT_EQ(base64url_decode(token)->size(), kRefreshTokenBytes);
    EXPECT_TRUE(seen.insert(token).second);
  }
  EXPECT_EQ(generate_token_id().size(), 22u);
}

// The stored form is lower-case hex SHA-256: stable, 64 characters, not the token.
TEST(RefreshTokenTest, StorageHashIsSha256Hex) {
  const auto token = generate_refresh_token();
  const auto hash = refresh_token_hash(token);
  EXPECT_EQ(hash.size(), 64u);
  EXPECT_EQ(hash, refresh_token_hash(token));
  EXPECT_EQ(hash, to_hex(sha256(token)));
  EXPECT_NE(hash, refresh_token_hash(generate_refresh_token()));
  EXPECT_EQ(hash.find_first_not_of("0123456789abcdef"), std::string::npos);
}

// Equal bytes compare equal; any difference, including length, does not.
TEST(ConstantTimeEqualsTest, ComparesBytes) {
  EXPECT_TRUE(constant_time_equals("", ""));
  EXPECT_TRUE(constant_time_equals("secret", "secret"));
  EXPECT_FALSE(constant_time_equals("secret", "secreT"));
  EXPECT_FALSE(constant_time_equals("secret", "secret2"));
  EXPECT_FALSE(constant_time_equals("Secret", "secret"));
  EXPECT_TRUE(constant_time_equals(std::string_view{"a\0b", 3}, std::string_view{"a\0b", 3}));
  EXPECT_FALSE(constant_time_equals(std::string_view{"a\0b", 3}, std::string_view{"a\0c", 3}));
}

}  // namespace
}  // namespace phonebill::security
