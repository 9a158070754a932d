// Access tokens the service must refuse: expired, tampered, alg "none", HS256 signed
// with the public key as the HMAC secret, wrong audience, unknown key; and the JWKS.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>

#include <fstream>
#include <sstream>

#include "auth_fixture.hpp"
#include "core/clock.hpp"
#include "security/encoding.hpp"
#include "security/signing_keys.hpp"
#include "security/token_signer.hpp"

using namespace phonebill;
using namespace phonebill::test_support;
namespace json = boost::json;

namespace {

security::AccessTokenClaims admin_claims() {
  security::AccessTokenClaims claims;
  claims.user_id = "admin";
  claims.session_id = "forged-session-000000";
  claims.customer_id = "C000000004";
  claims.line_number = "01099998888";
  claims.permissions = {"BILL_INQUIRY", "PRODUCT_CHANGE", "ADMIN"};
  return claims;
}

// header.payload.signature from JSON parts and raw signature bytes.
std::string compact(const json::object& header, const json::object& payload,
                    const std::string& signature) {
  return security::base64url_encode(json::serialize(header)) + "." +
         security::base64url_encode(json::serialize(payload)) + "." +
         security::base64url_encode(signature);
}

json::object valid_payload() {
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  return json::object{{"iss", "phonebill-auth"},
                      {"aud", "phonebill"},
                      {"sub", "admin"},
                      {"jti", "forged-token-000000000"},
                      {"sid", "forged-session-000000"},
                      {"iat", now},
                      {"exp", now + 600},
                      {"cid", "C000000004"},
                      {"line", "01099998888"},
                      {"perms", json::array{"BILL_INQUIRY", "PRODUCT_CHANGE", "ADMIN"}}};
}

std::string read_file(const std::string& path) {
  std::ifstream stream{path};
  std::ostringstream contents;
  contents << stream.rdbuf();
  return contents.str();
}

class AuthTokenTest : public AuthTest {
 protected:
  security::SigningKeyRing keys() {
    return security::SigningKeyRing::load_from_directory(secrets_directory());
  }
  std::string me_code(const std::string& token) { return get("/api/v1/auth/me", token).code(); }
};

}  // namespace

// A token signed with the real key is accepted (the control for the cases below).
TEST_F(AuthTokenTest, TokenSignedWithTheServiceKeyIsAccepted) {
  auto ring = keys();
  SystemClock clock;
  security::TokenSigner signer{ring, {}, clock};
  auto token = signer.sign(admin_claims()).token;
  EXPECT_EQ(get("/api/v1/auth/me", token).status, 200);
}

// Expired: signed by the right key 40 minutes ago (30-minute lifetime).
TEST_F(AuthTokenTest, ExpiredTokenIsRejected) {
  auto ring = keys();
  ManualClock past{std::chrono::system_clock::now() - std::chrono::minutes{40}};
  security::TokenSigner signer{ring, {}, past};
  EXPECT_EQ(me_code(signer.sign(admin_claims()).token), "TOKEN_EXPIRED");
}

// Tampered: a valid token whose payload was swapped keeps its old signature.
TEST_F(AuthTokenTest, TamperedTokenIsRejected) {
  auto ring = keys();
  SystemClock clock;
  security::TokenSigner signer{ring, {}, clock};
  auto claims = admin_claims();
  claims.permissions = {"BILL_INQUIRY"};
  auto token = signer.sign(claims).token;
  auto first_dot = token.find('.'), second_dot = token.rfind('.');
  auto forged = token.substr(0, first_dot + 1) +
                security::base64url_encode(json::serialize(valid_payload())) +
                token.substr(second_dot);
  EXPECT_EQ(me_code(forged), "UNAUTHORIZED");
  // One flipped character in the signature.
  auto flipped = token;
  flipped[second_dot + 5] = flipped[second_dot + 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(me_code(flipped), "UNAUTHORIZED");
}

// alg "none" with no signature, in every spelling a sloppy parser might accept.
TEST_F(AuthTokenTest, AlgNoneIsRejected) {
  auto kid = keys().active().key_id();
  for (const char* alg : {"none", "None", "NONE"}) {
    auto token =
        compact(json::object{{"alg", alg}, {"typ", "JWT"}, {"kid", kid}}, valid_payload(), "");
    EXPECT_EQ(me_code(token), "UNAUTHORIZED") << alg;
  }
}

// HS256 "signed" with the public key PEM as the HMAC secret (algorithm confusion).
TEST_F(AuthTokenTest, Hs256SignedWithThePublicKeyIsRejected) {
  auto ring = keys();
  auto public_pem = read_file(secrets_directory() + "/auth-signing-key.pub.pem");
  ASSERT_FALSE(public_pem.empty());
  json::object header{{"alg", "HS256"}, {"typ", "JWT"}, {"kid", ring.active().key_id()}};
  auto signing_input = security::base64url_encode(json::serialize(header)) + "." +
                       security::base64url_encode(json::serialize(valid_payload()));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_length = 0;
  HMAC(EVP_sha256(), public_pem.data(), int(public_pem.size()),
       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac,
       &mac_length);
  auto token = signing_input + "." +
               security::base64url_encode(std::string{reinterpret_cast<char*>(mac), mac_length});
  EXPECT_EQ(me_code(token), "UNAUTHORIZED");
}

// Right key, wrong audience (and wrong issuer).
TEST_F(AuthTokenTest, WrongAudienceIsRejected) {
  auto ring = keys();
  SystemClock clock;
  security::TokenSignerOptions options;
  options.audience = "some-other-service";
  EXPECT_EQ(me_code(security::TokenSigner{ring, options, clock}.sign(admin_claims()).token),
            "UNAUTHORIZED");
  security::TokenSignerOptions issuer;
  issuer.issuer = "someone-else";
  EXPECT_EQ(me_code(security::TokenSigner{ring, issuer, clock}.sign(admin_claims()).token),
            "UNAUTHORIZED");
}

// A well-formed ES256 token from a key auth never had.
TEST_F(AuthTokenTest, TokenFromAnotherKeyIsRejected) {
  security::SigningKeyRing stranger{security::SigningKey::generate()};
  SystemClock clock;
  EXPECT_EQ(me_code(security::TokenSigner{stranger, {}, clock}.sign(admin_claims()).token),
            "UNAUTHORIZED");
  EXPECT_EQ(me_code(""), "UNAUTHORIZED");
  EXPECT_EQ(
      call(port(), "GET", "/api/v1/auth/me", {}, {{"Authorization", "Basic YWRtaW4="}}).code(),
      "UNAUTHORIZED");
}

// The JWKS publishes the active key with its kid; tokens name that kid.
TEST_F(AuthTokenTest, JwksPublishesTheSigningKey) {
  auto reply = get("/api/v1/auth/jwks");
  ASSERT_EQ(reply.status, 200);
  auto parsed = security::parse_jwks(reply.body);
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_EQ(parsed->front().key_id(), keys().active().key_id());
  EXPECT_FALSE(reply.json.at("keys").at(0).as_object().contains("d"));
  auto token = login_ok("user02", "Passw0rd!02").access;
  auto header = json::parse(*security::base64url_decode(token.substr(0, token.find('.'))));
  EXPECT_EQ(header.at("alg"), "ES256");
  EXPECT_EQ(header.at("kid").as_string(), keys().active().key_id());
}
