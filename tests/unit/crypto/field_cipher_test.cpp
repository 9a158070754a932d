// Sealing personal data: round trip, the associated data that pins a value to its row,
// tampering, unknown keys, rotation, and the stored forms (bytea text, base64url).
#include <gtest/gtest.h>
#include <sodium.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "crypto/field_cipher.hpp"
#include "test_keys.hpp"

namespace phonebill::crypto {
namespace {

using test_keys::key_of;
using test_keys::ring_with;

const std::string kName = "홍길동";
const std::string kRowA = associated_data("auth.users.user_name", "user01");
const std::string kRowB = associated_data("auth.users.user_name", "user02");

TEST(FieldCipherTest, RoundTripsAndHidesThePlaintext) {
  auto ring = ring_with({{1, key_of('a')}}, 1);
  FieldCipher cipher{ring};
  auto sealed = cipher.seal(kName, kRowA);
  EXPECT_EQ(sealed.size(), kName.size() + kSealedOverhead);
  EXPECT_EQ(sealed.find(kName), std::string::npos);
  EXPECT_EQ(static_cast<unsigned char>(sealed[0]), kSealedFormat);
  EXPECT_EQ(sealed_key_id(sealed), KeyId{1});
  EXPECT_EQ(cipher.open(sealed, kRowA).value(), kName);
  // Fresh nonce each time: the same value seals differently (no equality leak).
  EXPECT_NE(cipher.seal(kName, kRowA), sealed);
  EXPECT_EQ(cipher.open(cipher.seal("", kRowA), kRowA).value(), "");
}

TEST(FieldCipherTest, RefusesAValueMovedToAnotherRowOrField) {
  auto ring = ring_with({{1, key_of('a')}}, 1);
  FieldCipher cipher{ring};
  auto sealed = cipher.seal(kName, kRowA);
  EXPECT_EQ(cipher.open(sealed, kRowB).error(), OpenError::kRefused);
  EXPECT_EQ(cipher.open(sealed, associated_data("auth.users.line_number", "user01")).error(),
            OpenError::kRefused);
  // The separator keeps field and row apart: "a.b" + "c" is not "a.bc" + "".
  EXPECT_NE(associated_data("a.b", "c"), associated_data("a.bc", ""));
}

TEST(FieldCipherTest, RefusesEveryTamperedByte) {
  auto ring = ring_with({{1, key_of('a')}, {2, key_of('b')}}, 1);
  FieldCipher cipher{ring};
  auto sealed = cipher.seal(kName, kRowA);
  for (std::size_t at = 0; at < sealed.size(); ++at) {
    auto tampered = sealed;
    tampered[at] = char(tampered[at] ^ 0x01);
    auto opened = cipher.open(tampered, kRowA);
    EXPECT_FALSE(opened.has_value()) << "byte " << at;
  }
  // Truncated (even to just under the overhead) and foreign formats are malformed.
  EXPECT_EQ(cipher.open(sealed.substr(0, kSealedOverhead - 1), kRowA).error(),
            OpenError::kMalformed);
  EXPECT_EQ(cipher.open("01012345678", kRowA).error(), OpenError::kMalformed);
  auto other_version = sealed;
  other_version[0] = 0x02;
  EXPECT_EQ(cipher.open(other_version, kRowA).error(), OpenError::kMalformed);
}

TEST(FieldCipherTest, RefusesAnUnknownKeyIdAndAWrongKey) {
  auto old_ring = ring_with({{1, key_of('a')}}, 1);
  auto new_ring = ring_with({{1, key_of('a')}, {7, key_of('g')}}, 7);
  auto sealed_by_7 = FieldCipher{new_ring}.seal(kName, kRowA);
  EXPECT_EQ(FieldCipher{old_ring}.open(sealed_by_7, kRowA).error(), OpenError::kUnknownKey);
  // Same id, other bytes (a wrong key file): refused, never garbage.
  auto wrong_ring = ring_with({{7, key_of('x')}}, 7);
  EXPECT_EQ(FieldCipher{wrong_ring}.open(sealed_by_7, kRowA).error(), OpenError::kRefused);
}

TEST(FieldCipherTest, RotationSealsWithTheNewKeyAndStillOpensOldValues) {
  auto before = ring_with({{1, key_of('a')}}, 1);
  auto old_value = FieldCipher{before}.seal(kName, kRowA);
  auto after = ring_with({{1, key_of('a')}, {2, key_of('b')}}, 2);
  FieldCipher cipher{after};
  EXPECT_TRUE(cipher.needs_reseal(old_value));
  EXPECT_EQ(cipher.open(old_value, kRowA).value(), kName);
  auto resealed = cipher.seal(cipher.open(old_value, kRowA).value(), kRowA);
  EXPECT_EQ(sealed_key_id(resealed), KeyId{2});
  EXPECT_FALSE(cipher.needs_reseal(resealed));
  // The old key removed: the re-sealed value still opens, the old one names a lost key.
  auto without_old = ring_with({{2, key_of('b')}}, 2);
  EXPECT_EQ(FieldCipher{without_old}.open(resealed, kRowA).value(), kName);
  EXPECT_EQ(FieldCipher{without_old}.open(old_value, kRowA).error(), OpenError::kUnknownKey);
  EXPECT_TRUE(cipher.needs_reseal("not sealed"));
}

TEST(FieldCipherTest, KeyIdsAboveOneByteTravelBigEndian) {
  auto ring = ring_with({{0x1234, key_of('a')}}, 0x1234);
  auto sealed = FieldCipher{ring}.seal(kName, kRowA);
  EXPECT_EQ(static_cast<unsigned char>(sealed[1]), 0x12);
  EXPECT_EQ(static_cast<unsigned char>(sealed[2]), 0x34);
  EXPECT_EQ(sealed_key_id(sealed), KeyId{0x1234});
}

TEST(FieldCipherTest, StoredFormsRoundTrip) {
  auto ring = ring_with({{1, key_of('a')}}, 1);
  FieldCipher cipher{ring};
  auto sealed = cipher.seal(kName, kRowA);
  auto bytea = pg_bytea_text(sealed);
  EXPECT_TRUE(bytea.starts_with("\\x"));
  EXPECT_EQ(from_pg_bytea_text(bytea), sealed);
  EXPECT_EQ(from_pg_bytea_text("\\x0"), std::nullopt);
  EXPECT_EQ(from_pg_bytea_text("\\xzz"), std::nullopt);
  EXPECT_EQ(from_pg_bytea_text("0102"), std::nullopt);
  EXPECT_EQ(from_pg_bytea_text("\\x"), std::string{});
  EXPECT_EQ(from_text(to_text(sealed)), sealed);
  EXPECT_EQ(to_text(sealed).find('='), std::string::npos);
}

// Nonces come from libsodium's in-process generator (no getrandom() system call per seal,
// several of which each answered request used to pay), and they still never repeat, in one
// thread or across threads (each thread has its own generator state).
TEST(FieldCipherTest, NoncesComeFromTheInProcessGeneratorAndNeverRepeat) {
  auto ring = ring_with({{1, key_of('a')}}, 1);
  FieldCipher cipher{ring};
  EXPECT_STREQ(randombytes_implementation_name(), "internal");
  constexpr int kSealsPerThread = 5000;
  std::vector<std::string> first(kSealsPerThread), second(kSealsPerThread);
  auto seal_all = [&](std::vector<std::string>& out) {
    for (auto& sealed : out) sealed = cipher.seal(kName, kRowA);
  };
  std::thread other{seal_all, std::ref(second)};
  seal_all(first);
  other.join();
  std::set<std::string> distinct(first.begin(), first.end());
  distinct.insert(second.begin(), second.end());
  EXPECT_EQ(distinct.size(), std::size_t{2 * kSealsPerThread});
  EXPECT_EQ(cipher.open(second.back(), kRowA).value(), kName);
}

}  // namespace
}  // namespace phonebill::crypto
