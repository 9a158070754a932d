// Shared pieces of the security unit tests (Envoy's test_common.h): sample claims, a
// verifier set-up over a local key ring and a ManualClock, and make_jws() to sign any
// header and payload — so tests can build tokens the real signer would never produce.
#pragma once
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <memory>
#include <string>

#include "core/clock.hpp"
#include "security/encoding.hpp"
#include "security/jwks_source.hpp"
#include "security/jws.hpp"
#include "security/revocation_set.hpp"
#include "security/signing_keys.hpp"
#include "security/token_signer.hpp"
#include "security/token_verifier.hpp"

namespace phonebill::security::testing {

using namespace std::chrono_literals;

inline AccessTokenClaims sample_claims() {
  return AccessTokenClaims{.user_id = "user01",
                           .session_id = "session-1",
                           .token_id = "",
                           .customer_id = "C0000001",
                           .line_number = "01012345678",
                           .permissions = {"BILL_INQUIRY", "PRODUCT_CHANGE"}};
}

// Seconds since the epoch of a clock reading (for hand-made payloads).
inline std::int64_t epoch_seconds(SystemTime time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

// A payload as TokenSigner would write it at `now`, for tests that change one claim.
inline boost::json::object sample_payload(SystemTime now) {
  return boost::json::object{{"iss", kDefaultIssuer},
                             {"aud", kDefaultAudience},
                             {"sub", "user01"},
                             {"jti", "token-1"},
                             {"sid", "session-1"},
                             {"iat", epoch_seconds(now)},
                             {"exp", epoch_seconds(now + 30min)},
                             {"cid", "C0000001"},
                             {"line", "01012345678"},
                             {"perms", boost::json::array{"BILL_INQUIRY"}}};
}

inline boost::json::object es256_header(const SigningKey& key) {
  return boost::json::object{{"alg", "ES256"}, {"typ", "JWT"}, {"kid", key.key_id()}};
}

// header.payload.signature with an ES256 signature by `key`, whatever the header says.
inline std::string make_jws(const boost::json::object& header, const boost::json::object& payload,
                            const SigningKey& key) {
  std::string token = base64url_encode(boost::json::serialize(header)) + '.' +
                      base64url_encode(boost::json::serialize(payload));
  const auto signature = detail::es256_sign(key.native_handle(), token);
  return token + '.' + base64url_encode(signature);
}

// A signer and a verifier over one key ring, a ManualClock and a revocation set.
struct TokenFixture {
  explicit TokenFixture(SigningKeyRing key_ring, TokenVerifierOptions verifier_options = {})
      : ring(std::move(key_ring)),
        source(ring),
        signer(ring, TokenSignerOptions{}, clock),
        revocations(clock),
        verifier(source, std::move(verifier_options), clock, &revocations) {}
  TokenFixture() : TokenFixture(SigningKeyRing{SigningKey::generate()}) {}

  ManualClock clock;
  SigningKeyRing ring;
  LocalJwksSource source;
  TokenSigner signer;
  RevocationSet revocations;
  TokenVerifier verifier;
};

}  // namespace phonebill::security::testing
