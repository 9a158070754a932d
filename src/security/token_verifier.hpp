// Checks access tokens for the gateway and every service (Envoy's jwt_authn
// authenticator, in one function): parse → alg must be exactly ES256 → kid known →
// signature → iss → aud → claim types → iat/exp with leeway → not revoked. Tokens that
// passed are cached by SHA-256 of their text until they expire, so a repeated token
// skips the signature check (revocation is still checked every time). Pure apart from
// the JwksSource and the injected Clock. Entry points: extract_bearer,
// TokenVerifier::verify, TokenVerifier::verify_or_refresh.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/config.hpp"
#include "security/access_token.hpp"
#include "security/jwks_source.hpp"
#include "security/token_verifier_options.hpp"

namespace phonebill::security {

class RevocationSet;
class VerifiedTokenCache;

// The token of an `Authorization: Bearer <token>` value: the scheme is matched without
// regard to case, surrounding blanks are dropped. nullopt for another scheme, an empty
// token, or a token containing blanks.
std::optional<std::string_view> extract_bearer(std::string_view authorization);

// Counts since construction (metrics, tests).
struct TokenVerifierCounters {
  std::uint64_t accepted = 0;          // verify() results that were tokens
  std::uint64_t rejected = 0;          // verify() results that were statuses
  std::uint64_t cache_hits = 0;        // accepted or revoked without a signature check
  std::uint64_t signature_checks = 0;  // ECDSA verifications run
};

class TokenVerifier {
 public:
  // `keys`, `clock` and `revocations` (nullptr: no revocation check) must outlive the
  // verifier.
  TokenVerifier(JwksSource& keys, TokenVerifierOptions options, const Clock& clock,
                const RevocationSet* revocations = nullptr);
  ~TokenVerifier();
  TokenVerifier(const TokenVerifier&) = delete;
  TokenVerifier& operator=(const TokenVerifier&) = delete;

  // Checks `token` (the compact JWS, without "Bearer "). An empty token is kMissing. No
  // I/O; any thread. Never logs the token.
  TokenResult verify(std::string_view token) const;
  // verify(), with an accepted token copied into `into` by assignment (its strings and
  // permission list keep their storage: a caller that keeps one VerifiedToken per thread
  // pays no allocation for a cached token — the gateway, issue 17 item 2). nullopt when
  // accepted; otherwise the status, and `into` holds no meaning.
  std::optional<TokenStatus> verify_into(std::string_view token, VerifiedToken& into) const;

  // verify(); when that says kUnknownKey, asks the JwksSource to refresh (rate-limited)
  // and verifies once more. Use this on request paths.
  boost::asio::awaitable<TokenResult> verify_or_refresh(std::string token);

  TokenVerifierCounters counters() const;
  const TokenVerifierOptions& options() const { return options_; }

 private:
  // verify() without counting the outcome; check_uncached() is the full check.
  TokenResult evaluate(std::string_view token) const;
  // evaluate() into `into`; nullopt when accepted.
  std::optional<TokenStatus> evaluate_into(std::string_view token, VerifiedToken& into) const;
  TokenResult check_uncached(std::string_view token) const;
  TokenResult finish(TokenResult result) const;

  JwksSource& keys_;
  TokenVerifierOptions options_;
  const Clock& clock_;
  const RevocationSet* revocations_;
  std::unique_ptr<VerifiedTokenCache> cache_;
  mutable std::atomic<std::uint64_t> accepted_{0};
  mutable std::atomic<std::uint64_t> rejected_{0};
  mutable std::atomic<std::uint64_t> cache_hits_{0};
  mutable std::atomic<std::uint64_t> signature_checks_{0};
};

}  // namespace phonebill::security
