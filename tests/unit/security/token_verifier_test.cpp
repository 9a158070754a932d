// Signing and verifying access tokens: the round trip, each check's failure, key
// rotation, the verified-token cache, revocation, the refresh on an unknown kid, and
// the Authorization header.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "security/verified_token_cache.hpp"
#include "security_test_support.hpp"
#include "support/coroutine_test.hpp"

namespace phonebill::security {
namespace {

using namespace testing;

std::string replace_part(const std::string& token, int index, const std::string& part) {
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  if (index == 0) return part + token.substr(first);
  if (index == 1) return token.substr(0, first + 1) + part + token.substr(second);
  return token.substr(0, second + 1) + part;
}

// A signed token verifies and gives back exactly the claims that went in.
TEST(TokenVerifierTest, SignedTokenVerifies) {
  TokenFixture fixture;
  const auto signed_token = fixture.signer.sign(sample_claims());
  const auto result = fixture.verifier.verify(signed_token.token);
  ASSERT_TRUE(result) << result.error();
  EXPECT_EQ(result->user_id, "user01");
  EXPECT_EQ(result->session_id, "session-1");
  EXPECT_EQ(result->token_id, signed_token.token_id);
  EXPECT_EQ(result->token_id.size(), 22u);
  EXPECT_EQ(result->customer_id, "C0000001");
  EXPECT_EQ(result->line_number, "01012345678");
  EXPECT_EQ(result->permissions, (std::vector<std::string>{"BILL_INQUIRY", "PRODUCT_CHANGE"}));
  EXPECT_TRUE(result->has_permission("PRODUCT_CHANGE"));
  EXPECT_FALSE(result->has_permission("ADMIN"));
  EXPECT_EQ(result->expires_at - result->issued_at, std::chrono::seconds{1800});
  EXPECT_EQ(result->expires_at, signed_token.expires_at);
  EXPECT_EQ(result->key_id, fixture.ring.active().key_id());
}

// The header is {alg: ES256, typ: JWT, kid} and the signature is raw r||s, 64 bytes.
TEST(TokenVerifierTest, SignedTokenHasTheJwsShape) {
  TokenFixture fixture;
  const auto token = fixture.signer.sign(sample_claims()).token;
  const auto header = boost::json::parse(*base64url_decode(token.substr(0, token.find('.'))));
  EXPECT_EQ(header.at("alg"), "ES256");
  EXPECT_EQ(header.at("typ"), "JWT");
  EXPECT_EQ(header.at("kid").as_string(), fixture.ring.active().key_id());
  EXPECT_EQ(base64url_decode(token.substr(token.rfind('.') + 1))->size(), 64u);
}

// Past exp plus the 30 s leeway the token is expired; within the leeway it still passes.
TEST(TokenVerifierTest, ExpiredTokenIsRejected) {
  TokenFixture fixture{SigningKeyRing{SigningKey::generate()}, {.cache_capacity = 0}};
  const auto token = fixture.signer.sign(sample_claims()).token;
  fixture.clock.advance(30min + 29s);
  EXPECT_TRUE(fixture.verifier.verify(token));
  fixture.clock.advance(2s);
  EXPECT_EQ(fixture.verifier.verify(token).error(), TokenStatus::kExpired);
}

// The cache does not extend a token's life.
TEST(TokenVerifierTest, CachedTokenStillExpires) {
  TokenFixture fixture;
  const auto token = fixture.signer.sign(sample_claims()).token;
  ASSERT_TRUE(fixture.verifier.verify(token));
  fixture.clock.advance(31min);
  EXPECT_EQ(fixture.verifier.verify(token).error(), TokenStatus::kExpired);
}

// A token issued more than the leeway in the future is not valid yet.
TEST(TokenVerifierTest, TokenFromTheFutureIsRejected) {
  TokenFixture fixture;
  auto payload = sample_payload(fixture.clock.now() + 5min);
  const auto key = fixture.ring.active();
  EXPECT_EQ(fixture.verifier.verify(make_jws(es256_header(key), payload, key)).error(),
            TokenStatus::kNotYetValid);
  payload = sample_payload(fixture.clock.now() + 20s);
  EXPECT_TRUE(fixture.verifier.verify(make_jws(es256_header(key), payload, key)));
}

// Changing one claim without re-signing breaks the signature.
TEST(TokenVerifierTest, TamperedPayloadIsRejected) {
  TokenFixture fixture;
  const auto token = fixture.signer.sign(sample_claims()).token;
  auto payload = sample_payload(fixture.clock.now());
  payload["perms"] = boost::json::array{"BILL_INQUIRY", "PRODUCT_CHANGE", "ADMIN"};
  const auto forged = replace_part(token, 1, base64url_encode(boost::json::serialize(payload)));
  EXPECT_EQ(fixture.verifier.verify(forged).error(), TokenStatus::kBadSignature);
}

// A flipped bit, a short signature or a DER-encoded one does not verify.
TEST(TokenVerifierTest, TamperedSignatureIsRejected) {
  TokenFixture fixture{SigningKeyRing{SigningKey::generate()}, {.cache_capacity = 0}};
  const auto token = fixture.signer.sign(sample_claims()).token;
  auto signature = *base64url_decode(token.substr(token.rfind('.') + 1));
  for (std::size_t index : {0u, 31u, 32u, 63u}) {
    auto flipped = signature;
    flipped[index] = static_cast<char>(flipped[index] ^ 0x01);
    EXPECT_EQ(fixture.verifier.verify(replace_part(token, 2, base64url_encode(flipped))).error(),
              TokenStatus::kBadSignature)
        << index;
  }
  EXPECT_EQ(fixture.verifier.verify(replace_part(token, 2, base64url_encode(signature.substr(1))))
                .error(),
            TokenStatus::kBadSignature);
  // A DER signature (what OpenSSL produces natively) is not a JWS signature.
  const std::string der =
      "\x30\x44\x02\x20" + signature.substr(0, 32) + "\x02\x20" + signature.substr(32);
  EXPECT_EQ(fixture.verifier.verify(replace_part(token, 2, base64url_encode(der))).error(),
            TokenStatus::kBadSignature);
  EXPECT_EQ(fixture.verifier.verify(replace_part(token, 2, std::string(86, 'A'))).error(),
            TokenStatus::kBadSignature);
}

// iss and aud must be the configured ones; aud may be an array that contains ours.
TEST(TokenVerifierTest, WrongIssuerOrAudienceIsRejected) {
  TokenFixture fixture;
  const auto& key = fixture.ring.active();
  auto payload = sample_payload(fixture.clock.now());
  payload["iss"] = "someone-else";
  EXPECT_EQ(fixture.verifier.verify(make_jws(es256_header(key), payload, key)).error(),
            TokenStatus::kWrongIssuer);
  payload = sample_payload(fixture.clock.now());
  payload["aud"] = "another-api";
  EXPECT_EQ(fixture.verifier.verify(make_jws(es256_header(key), payload, key)).error(),
            TokenStatus::kWrongAudience);
  payload["aud"] = boost::json::array{"another-api", kDefaultAudience};
  EXPECT_TRUE(fixture.verifier.verify(make_jws(es256_header(key), payload, key)));
  payload.erase("aud");
  EXPECT_EQ(fixture.verifier.verify(make_jws(es256_header(key), payload, key)).error(),
            TokenStatus::kWrongAudience);

  TokenFixture other_audience{SigningKeyRing{SigningKey::generate()}, {.audience = "admin-api"}};
  const auto token = other_audience.signer.sign(sample_claims()).token;
  EXPECT_EQ(other_audience.verifier.verify(token).error(), TokenStatus::kWrongAudience);
}

// A kid no key has, or no kid at all, is kUnknownKey; a known kid with another key's
// signature is kBadSignature.
TEST(TokenVerifierTest, UnknownKeyIsRejected) {
  TokenFixture fixture;
  const auto stranger = SigningKey::generate();
  const auto payload = sample_payload(fixture.clock.now());
  EXPECT_EQ(fixture.verifier.verify(make_jws(es256_header(stranger), payload, stranger)).error(),
            TokenStatus::kUnknownKey);
  auto header = es256_header(stranger);
  header.erase("kid");
  EXPECT_EQ(fixture.verifier.verify(make_jws(header, payload, stranger)).error(),
            TokenStatus::kUnknownKey);
  header["kid"] = fixture.ring.active().key_id();
  EXPECT_EQ(fixture.verifier.verify(make_jws(header, payload, stranger)).error(),
            TokenStatus::kBadSignature);
}

// After a rotation the new key signs, tokens of the old key still verify while it is in
// the ring, and stop once it is retired.
TEST(TokenVerifierTest, RotationKeepsOldTokensValidUntilRetired) {
  const auto old_key = SigningKey::generate();
  const auto new_key = SigningKey::generate();
  TokenFixture before{SigningKeyRing{old_key}};
  const auto old_token = before.signer.sign(sample_claims()).token;

  TokenFixture after{SigningKeyRing{new_key, {old_key}}};
  const auto new_token = after.signer.sign(sample_claims()).token;
  const auto new_result = after.verifier.verify(new_token);
  ASSERT_TRUE(new_result);
  EXPECT_EQ(new_result->key_id, new_key.key_id());
  const auto old_result = after.verifier.verify(old_token);
  ASSERT_TRUE(old_result);
  EXPECT_EQ(old_result->key_id, old_key.key_id());

  TokenFixture retired{SigningKeyRing{new_key}};
  EXPECT_EQ(retired.verifier.verify(old_token).error(), TokenStatus::kUnknownKey);
  EXPECT_TRUE(retired.verifier.verify(new_token));
}

// Every required claim must be present with its type; times must be integers.
TEST(TokenVerifierTest, MissingOrMistypedClaimsAreRejected) {
  TokenFixture fixture;
  const auto& key = fixture.ring.active();
  for (const char* claim : {"sub", "jti", "sid", "cid", "line", "perms", "iat", "exp"}) {
    auto payload = sample_payload(fixture.clock.now());
    payload.erase(claim);
    EXPECT_EQ(fixture.verifier.verify(make_jws(es256_header(key), payload, key)).error(),
              TokenStatus::kInvalidClaims)
        << claim;
  }
  const std::vector<std::pair<std::string, boost::json::value>> wrong = {
      {"sub", 42},           {"sub", ""},      {"perms", "ADMIN"}, {"perms", boost::json::array{1}},
      {"exp", "2030-01-01"}, {"exp", 1.9e9},   {"iat", -5},        {"exp", 99'999'999'999},
      {"nbf", "soon"},       {"line", nullptr}};
  for (const auto& [claim, value] : wrong) {
    auto payload = sample_payload(fixture.clock.now());
    payload[claim] = value;
    EXPECT_EQ(fixture.verifier.verify(make_jws(es256_header(key), payload, key)).error(),
              TokenStatus::kInvalidClaims)
        << claim << " = " << boost::json::serialize(value);
  }
}

// Structure problems are kMalformed before any key is looked at; empty is kMissing.
TEST(TokenVerifierTest, MalformedTokensAreRejected) {
  TokenFixture fixture;
  const auto token = fixture.signer.sign(sample_claims()).token;
  EXPECT_EQ(fixture.verifier.verify("").error(), TokenStatus::kMissing);
  for (const std::string& bad :
       {std::string{"abc"}, std::string{"a.b"}, token + ".extra", std::string{"..."},
        replace_part(token, 0, "not base64!"), replace_part(token, 0, base64url_encode("not json")),
        replace_part(token, 0, base64url_encode("[1,2]")), replace_part(token, 2, "")}) {
    EXPECT_EQ(fixture.verifier.verify(bad).error(), TokenStatus::kMalformed) << bad;
  }
  EXPECT_EQ(fixture.verifier.verify(std::string(9000, 'a')).error(), TokenStatus::kMalformed);
}

// Unknown critical extensions and a foreign typ are refused.
TEST(TokenVerifierTest, CriticalHeadersAndForeignTypesAreRejected) {
  TokenFixture fixture;
  const auto& key = fixture.ring.active();
  const auto payload = sample_payload(fixture.clock.now());
  auto header = es256_header(key);
  header["crit"] = boost::json::array{"exp"};
  EXPECT_EQ(fixture.verifier.verify(make_jws(header, payload, key)).error(),
            TokenStatus::kMalformed);
  header = es256_header(key);
  header["typ"] = "at+jwt";
  EXPECT_EQ(fixture.verifier.verify(make_jws(header, payload, key)).error(),
            TokenStatus::kMalformed);
  header.erase("typ");
  EXPECT_TRUE(fixture.verifier.verify(make_jws(header, payload, key)));
}

// A repeated token is answered from the cache: one signature check for two verifies.
TEST(TokenVerifierTest, RepeatedTokenHitsTheCache) {
  TokenFixture fixture;
  const auto token = fixture.signer.sign(sample_claims()).token;
  const auto first = fixture.verifier.verify(token);
  const auto second = fixture.verifier.verify(token);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(*first, *second);
  const auto counters = fixture.verifier.counters();
  EXPECT_EQ(counters.signature_checks, 1u);
  EXPECT_EQ(counters.cache_hits, 1u);
  EXPECT_EQ(counters.accepted, 2u);
}

// Revoking the token's jti or its session rejects it, from the cache too.
TEST(TokenVerifierTest, RevokedTokenIsRejectedEvenWhenCached) {
  TokenFixture fixture;
  const auto token = fixture.signer.sign(sample_claims());
  ASSERT_TRUE(fixture.verifier.verify(token.token));
  fixture.revocations.revoke(RevocationKind::kToken, token.token_id, 30min);
  EXPECT_EQ(fixture.verifier.verify(token.token).error(), TokenStatus::kRevoked);
  EXPECT_EQ(fixture.verifier.counters().cache_hits, 1u);

  const auto other = fixture.signer.sign(sample_claims());
  fixture.revocations.revoke(RevocationKind::kSession, "session-1", 30min);
  EXPECT_EQ(fixture.verifier.verify(other.token).error(), TokenStatus::kRevoked);
}

// A key that disappears from the source is not kept alive by the cache.
TEST(TokenVerifierTest, CacheHitStillNeedsAKnownKey) {
  struct SwitchableSource final : JwksSource {
    std::shared_ptr<const SigningKey> key;
    std::shared_ptr<const SigningKey> find(std::string_view id) const override {
      return key && key->key_id() == id ? key : nullptr;
    }
    boost::asio::awaitable<bool> refresh_for_unknown_key(std::string) override { co_return false; }
  };
  ManualClock clock;
  const SigningKeyRing ring{SigningKey::generate()};
  SwitchableSource source;
  source.key = std::make_shared<const SigningKey>(ring.active());
  TokenSigner signer{ring, {}, clock};
  TokenVerifier verifier{source, {}, clock};
  const auto token = signer.sign(sample_claims()).token;
  ASSERT_TRUE(verifier.verify(token));
  source.key.reset();
  EXPECT_EQ(verifier.verify(token).error(), TokenStatus::kUnknownKey);
}

// The cache holds at most its capacity; the oldest entry goes first.
TEST(VerifiedTokenCacheTest, IsBounded) {
  VerifiedTokenCache cache{2};
  const SystemTime now{std::chrono::seconds{1'800'000'000}};
  VerifiedToken token;
  token.expires_at = now + 30min;
  cache.insert("a", token, now, 30s);
  cache.insert("b", token, now, 30s);
  cache.insert("c", token, now, 30s);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_FALSE(cache.find("a", now, 30s));
  EXPECT_TRUE(cache.find("c", now, 30s));
  EXPECT_FALSE(cache.find("c", now + 31min, 30s));
  EXPECT_EQ(cache.size(), 1u);
  VerifiedTokenCache disabled{0};
  disabled.insert("a", token, now, 30s);
  EXPECT_EQ(disabled.size(), 0u);
}

// A JwksSource that learns the key only when asked to refresh (a rotation auth made
// after our last fetch).
class LateKeySource final : public JwksSource {
 public:
  explicit LateKeySource(SigningKey key) : key_(std::make_shared<const SigningKey>(key)) {}
  std::shared_ptr<const SigningKey> find(std::string_view id) const override {
    return known_ && key_->key_id() == id ? key_ : nullptr;
  }
  boost::asio::awaitable<bool> refresh_for_unknown_key(std::string id) override {
    ++refreshes;
    known_ = true;
    co_return find(id) != nullptr;
  }
  int refreshes = 0;

 private:
  std::shared_ptr<const SigningKey> key_;
  bool known_ = false;
};

// verify_or_refresh asks the source once for an unknown kid and then succeeds.
CO_TEST(TokenVerifierRefreshTest, UnknownKidTriggersOneRefresh) {
  ManualClock clock;
  const SigningKeyRing ring{SigningKey::generate()};
  LateKeySource source{ring.active()};
  TokenSigner signer{ring, {}, clock};
  TokenVerifier verifier{source, {}, clock};
  const auto token = signer.sign(sample_claims()).token;
  EXPECT_EQ(verifier.verify(token).error(), TokenStatus::kUnknownKey);
  const auto result = co_await verifier.verify_or_refresh(token);
  CO_ASSERT_TRUE(result) << result.error();
  EXPECT_EQ(source.refreshes, 1);
  // A bad signature is not a reason to refresh.
  const auto forged = token.substr(0, token.rfind('.') + 1) + std::string(86, 'A');
  EXPECT_EQ((co_await verifier.verify_or_refresh(forged)).error(), TokenStatus::kBadSignature);
  EXPECT_EQ(source.refreshes, 1);
}

// "Bearer <token>" in any case, with blanks around; anything else is not a bearer token.
TEST(ExtractBearerTest, AcceptsOnlyTheBearerScheme) {
  EXPECT_EQ(extract_bearer("Bearer abc.def.ghi"), "abc.def.ghi");
  EXPECT_EQ(extract_bearer("bearer   abc  "), "abc");
  EXPECT_EQ(extract_bearer("BEARER\tabc"), "abc");
  EXPECT_FALSE(extract_bearer(""));
  EXPECT_FALSE(extract_bearer("Bearer"));
  EXPECT_FALSE(extract_bearer("Bearer "));
  EXPECT_FALSE(extract_bearer("Basic dXNlcjpwYXNz"));
  EXPECT_FALSE(extract_bearer("Bearerabc"));
  EXPECT_FALSE(extract_bearer("Bearer a b"));
  EXPECT_FALSE(extract_bearer("abc.def.ghi"));
}

// Expired and revoked have their own SPEC §2 codes; everything else is UNAUTHORIZED.
TEST(TokenStatusTest, MapsToSpecCodes) {
  EXPECT_EQ(to_common_error(TokenStatus::kExpired), http::CommonError::kTokenExpired);
  EXPECT_EQ(to_common_error(TokenStatus::kRevoked), http::CommonError::kTokenRevoked);
  for (auto status :
       {TokenStatus::kMissing, TokenStatus::kMalformed, TokenStatus::kBadSignature,
        TokenStatus::kUnknownKey, TokenStatus::kUnsupportedAlgorithm, TokenStatus::kWrongIssuer,
        TokenStatus::kWrongAudience, TokenStatus::kInvalidClaims, TokenStatus::kNotYetValid}) {
    EXPECT_EQ(to_common_error(status), http::CommonError::kUnauthorized) << status;
  }
  EXPECT_EQ(to_string(TokenStatus::kBadSignature), "bad_signature");
}

}  // namespace
}  // namespace phonebill::security
