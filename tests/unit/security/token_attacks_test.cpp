// Known attacks on JWT verifiers, and interoperability with an independent JWT library.
// libjwt (1.10) stands in for a naive verifier: its jwt_decode trusts the header's alg,
// which is exactly what lets "HS256 signed with the public key" through. Ours must not.
#include <gtest/gtest.h>
#include <jwt.h>

#include <cstdlib>
#include <memory>

#include "security_test_support.hpp"

namespace phonebill::security {
namespace {

using namespace testing;

struct JwtFree {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtFree>;

// A token built by libjwt with `algorithm` and `key` (HMAC secret or PEM private key).
std::string libjwt_token(jwt_alg_t algorithm, const std::string& key, const std::string& kid,
                         const boost::json::object& payload) {
  jwt_t* raw = nullptr;
  EXPECT_EQ(jwt_new(&raw), 0);
  JwtPtr jwt{raw};
  EXPECT_EQ(jwt_add_grants_json(jwt.get(), boost::json::serialize(payload).c_str()), 0);
  EXPECT_EQ(jwt_add_header(jwt.get(), "kid", kid.c_str()), 0);
  EXPECT_EQ(jwt_set_alg(jwt.get(), algorithm, reinterpret_cast<const unsigned char*>(key.data()),
                        static_cast<int>(key.size())),
            0);
  char* encoded = jwt_encode_str(jwt.get());
  EXPECT_NE(encoded, nullptr);
  std::string token = encoded != nullptr ? encoded : "";
  std::free(encoded);
  return token;
}

// Whether libjwt's jwt_decode accepts `token` with `key` (it picks the alg from the header).
bool libjwt_accepts(const std::string& token, const std::string& key) {
  jwt_t* raw = nullptr;
  const int status =
      jwt_decode(&raw, token.c_str(), reinterpret_cast<const unsigned char*>(key.data()),
                 static_cast<int>(key.size()));
  JwtPtr jwt{raw};
  return status == 0;
}

// alg "none", with or without a signature part, is never accepted.
TEST(TokenAttackTest, AlgNoneIsRejected) {
  TokenFixture fixture;
  const auto payload = sample_payload(fixture.clock.now());
  boost::json::object header{
      {"alg", "none"}, {"typ", "JWT"}, {"kid", fixture.ring.active().key_id()}};
  const auto unsigned_token = base64url_encode(boost::json::serialize(header)) + '.' +
                              base64url_encode(boost::json::serialize(payload)) + '.';
  EXPECT_FALSE(fixture.verifier.verify(unsigned_token));
  // The same with a (valid ES256!) signature attached: alg decides, and "none" is refused.
  EXPECT_EQ(fixture.verifier.verify(make_jws(header, payload, fixture.ring.active())).error(),
            TokenStatus::kUnsupportedAlgorithm);
  for (const char* variant : {"None", "NONE", "nOnE", ""}) {
    header["alg"] = variant;
    EXPECT_EQ(fixture.verifier.verify(make_jws(header, payload, fixture.ring.active())).error(),
              TokenStatus::kUnsupportedAlgorithm)
        << variant;
  }
}

// The classic confusion: HS256 with our public key's PEM as the HMAC secret. libjwt
// accepts it when handed the public key; we refuse it on the alg alone.
TEST(TokenAttackTest, Hs256SignedWithThePublicKeyIsRejected) {
  TokenFixture fixture;
  const auto& key = fixture.ring.active();
  const auto public_pem = key.public_pem();
  const auto forged =
      libjwt_token(JWT_ALG_HS256, public_pem, key.key_id(), sample_payload(fixture.clock.now()));
  ASSERT_FALSE(forged.empty());
  EXPECT_TRUE(libjwt_accepts(forged, public_pem)) << "the naive verifier falls for it";
  EXPECT_EQ(fixture.verifier.verify(forged).error(), TokenStatus::kUnsupportedAlgorithm);

  // Other spellings of the public key as the secret fare no better.
  const auto jwk_text = boost::json::serialize(key.public_jwk());
  for (const auto& secret : {jwk_text, std::string{"secret"}}) {
    for (auto algorithm : {JWT_ALG_HS256, JWT_ALG_HS384, JWT_ALG_HS512}) {
      const auto token =
          libjwt_token(algorithm, secret, key.key_id(), sample_payload(fixture.clock.now()));
      EXPECT_EQ(fixture.verifier.verify(token).error(), TokenStatus::kUnsupportedAlgorithm);
    }
  }
}

// Algorithms close to ours (ES384, RS256, lower-case es256) are refused too.
TEST(TokenAttackTest, OtherAlgorithmNamesAreRejected) {
  TokenFixture fixture;
  const auto& key = fixture.ring.active();
  const auto payload = sample_payload(fixture.clock.now());
  for (boost::json::value alg :
       {boost::json::value{"ES384"}, boost::json::value{"RS256"}, boost::json::value{"es256"},
        boost::json::value{"ES256 "}, boost::json::value{boost::json::array{"ES256"}},
        boost::json::value{nullptr}}) {
    auto header = es256_header(key);
    header["alg"] = alg;
    EXPECT_EQ(fixture.verifier.verify(make_jws(header, payload, key)).error(),
              TokenStatus::kUnsupportedAlgorithm)
        << boost::json::serialize(alg);
  }
  auto header = es256_header(key);
  header.erase("alg");
  EXPECT_EQ(fixture.verifier.verify(make_jws(header, payload, key)).error(),
            TokenStatus::kUnsupportedAlgorithm);
}

// A key embedded in the header (jwk / jku / x5u) is ignored: only our keys count.
TEST(TokenAttackTest, EmbeddedKeysAreIgnored) {
  TokenFixture fixture;
  const auto attacker = SigningKey::generate();
  const auto payload = sample_payload(fixture.clock.now());
  auto header = es256_header(attacker);
  header["jwk"] = attacker.public_jwk();
  header["jku"] = "http://attacker.example/jwks";
  EXPECT_EQ(fixture.verifier.verify(make_jws(header, payload, attacker)).error(),
            TokenStatus::kUnknownKey);
  header["kid"] = fixture.ring.active().key_id();
  EXPECT_EQ(fixture.verifier.verify(make_jws(header, payload, attacker)).error(),
            TokenStatus::kBadSignature);
  header["kid"] = "../../../../dev/null";
  EXPECT_EQ(fixture.verifier.verify(make_jws(header, payload, attacker)).error(),
            TokenStatus::kUnknownKey);
}

// A token signed by libjwt's ES256 verifies with us (same r||s encoding), and libjwt
// verifies ours with the public key: the wire format is standard.
TEST(TokenInteropTest, LibjwtAndWeAgreeOnEs256) {
  TokenFixture fixture;
  const auto& key = fixture.ring.active();
  const auto theirs = libjwt_token(JWT_ALG_ES256, key.private_pem(), key.key_id(),
                                   sample_payload(fixture.clock.now()));
  const auto result = fixture.verifier.verify(theirs);
  ASSERT_TRUE(result) << result.error();
  EXPECT_EQ(result->user_id, "user01");

  const auto ours = fixture.signer.sign(sample_claims()).token;
  EXPECT_TRUE(libjwt_accepts(ours, key.public_pem()));
  EXPECT_FALSE(libjwt_accepts(ours, SigningKey::generate().public_pem()));
}

}  // namespace
}  // namespace phonebill::security
