// Access-token verification in one pass of ordered checks (see token_verifier.hpp).
// The header is trusted for nothing but choosing among our own keys: alg must be the
// literal "ES256" before any key is touched, so "none", HS256-with-the-public-key and
// other algorithm-confusion tokens never reach a verifier.
#include "security/token_verifier.hpp"

#include <boost/json/value.hpp>

#include "core/json.hpp"
#include "http/byte_scan.hpp"
#include "security/encoding.hpp"
#include "security/jws.hpp"
#include "security/revocation_set.hpp"
#include "security/verified_token_cache.hpp"

namespace phonebill::security {
namespace {

// Timestamps beyond this (the year 2286) are refused rather than overflowing SystemTime.
constexpr std::int64_t kMaxTimestampSeconds = 9'999'999'999;

// The decoded JSON object of a base64url part, or nullopt.
std::optional<boost::json::object> decode_object(std::string_view part) {
  const auto text = base64url_decode(part);
  if (!text) return std::nullopt;
  auto value = parse_json(*text);
  if (!value || !value->is_object()) return std::nullopt;
  return std::move(value->get_object());
}

const boost::json::string* string_claim(const boost::json::object& object, std::string_view name) {
  const auto* value = object.if_contains(name);
  return value != nullptr ? value->if_string() : nullptr;
}

// A non-empty string claim, or nullopt.
std::optional<std::string> required_string(const boost::json::object& payload,
                                           std::string_view name) {
  const auto* value = string_claim(payload, name);
  if (value == nullptr || value->empty()) return std::nullopt;
  return std::string{*value};
}

// An integer NumericDate claim in [0, kMaxTimestampSeconds], or nullopt.
std::optional<SystemTime> time_claim(const boost::json::object& payload, std::string_view name) {
  const auto* value = payload.if_contains(name);
  if (value == nullptr) return std::nullopt;
  std::int64_t seconds = 0;
  if (value->is_int64()) {
    seconds = value->get_int64();
  } else if (value->is_uint64() && value->get_uint64() <= std::uint64_t(kMaxTimestampSeconds)) {
    seconds = static_cast<std::int64_t>(value->get_uint64());
  } else {
    return std::nullopt;
  }
  if (seconds < 0 || seconds > kMaxTimestampSeconds) return std::nullopt;
  return SystemTime{std::chrono::seconds{seconds}};
}

bool audience_matches(const boost::json::value* audience, std::string_view expected) {
  if (audience == nullptr) return false;
  if (audience->is_string()) return audience->get_string() == expected;
  if (!audience->is_array()) return false;
  for (const auto& entry : audience->get_array()) {
    if (entry.is_string() && entry.get_string() == expected) return true;
  }
  return false;
}

// ASCII case-insensitive equality, as std::tolower in the C locale the services run in,
// without a libc call per character (the bearer scheme is compared on every request).
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  auto lower = [](unsigned char c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; };
  for (std::size_t index = 0; index < a.size(); ++index) {
    if (lower(static_cast<unsigned char>(a[index])) != lower(static_cast<unsigned char>(b[index])))
      return false;
  }
  return true;
}

// The kid of a header we accept. alg must be the literal "ES256" before any key is
// touched; we implement no JWS extensions, so any "crit" is refused (RFC 7515 §4.1.11);
// typ, when present, must be JWT.
boost::system::result<std::string, TokenStatus> accepted_key_id(const boost::json::object& header) {
  const auto* algorithm = string_claim(header, "alg");
  if (algorithm == nullptr || *algorithm != "ES256") return TokenStatus::kUnsupportedAlgorithm;
  if (header.contains("crit")) return TokenStatus::kMalformed;
  if (const auto* type = header.if_contains("typ"); type != nullptr) {
    if (!type->is_string() || !iequals(type->get_string(), "JWT")) return TokenStatus::kMalformed;
  }
  const auto* key_id = string_claim(header, "kid");
  if (key_id == nullptr) return TokenStatus::kUnknownKey;
  return std::string{*key_id};
}

// The claims of an authenticated payload, before iat, nbf and exp are held against the
// clock (and without kid, which the header gave).
struct PayloadClaims {
  VerifiedToken token;
  std::optional<SystemTime> not_before;  // nbf, optional
};

// kInvalidClaims when a required claim (sub, jti, sid, cid, line, perms, iat, exp) is
// missing or of the wrong type, or nbf is present but not a NumericDate.
boost::system::result<PayloadClaims, TokenStatus> read_claims(const boost::json::object& payload) {
  auto subject = required_string(payload, "sub");
  auto token_id = required_string(payload, "jti");
  auto session_id = required_string(payload, "sid");
  const auto* customer_id = string_claim(payload, "cid");
  const auto* line_number = string_claim(payload, "line");
  const auto* permissions = payload.if_contains("perms");
  const auto issued_at = time_claim(payload, "iat");
  const auto expires_at = time_claim(payload, "exp");
  if (!subject || !token_id || !session_id || customer_id == nullptr || line_number == nullptr ||
      permissions == nullptr || !permissions->is_array() || !issued_at || !expires_at) {
    return TokenStatus::kInvalidClaims;
  }
  PayloadClaims claims;
  auto& token = claims.token;
  for (const auto& permission : permissions->get_array()) {
    if (!permission.is_string()) return TokenStatus::kInvalidClaims;
    token.permissions.emplace_back(permission.get_string());
  }
  if (payload.contains("nbf")) {
    claims.not_before = time_claim(payload, "nbf");
    if (!claims.not_before) return TokenStatus::kInvalidClaims;
  }
  token.user_id = std::move(*subject);
  token.session_id = std::move(*session_id);
  token.token_id = std::move(*token_id);
  token.customer_id = std::string{*customer_id};
  token.line_number = std::string{*line_number};
  token.issued_at = *issued_at;
  token.expires_at = *expires_at;
  return claims;
}

// The kid named by a token's header, if the header is readable.
std::optional<std::string> header_key_id(std::string_view token) {
  const auto parts = detail::split_compact(token);
  if (!parts) return std::nullopt;
  const auto header = decode_object(parts->header);
  if (!header) return std::nullopt;
  const auto* kid = string_claim(*header, "kid");
  if (kid == nullptr || kid->empty()) return std::nullopt;
  return std::string{*kid};
}

}  // namespace

std::optional<std::string_view> extract_bearer(std::string_view authorization) {
  auto is_blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!authorization.empty() && is_blank(authorization.front())) authorization.remove_prefix(1);
  while (!authorization.empty() && is_blank(authorization.back())) authorization.remove_suffix(1);
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() <= kScheme.size() ||
      !iequals(authorization.substr(0, kScheme.size()), kScheme) ||
      !is_blank(authorization[kScheme.size()])) {
    return std::nullopt;
  }
  auto token = authorization.substr(kScheme.size());
  while (!token.empty() && is_blank(token.front())) token.remove_prefix(1);
  if (token.empty()) return std::nullopt;
  // Blanks and controls (all below 0x21) and DEL. any_byte: a token is 400 characters,
  // checked on every request (issue 17 item 2).
  if (http::any_byte(token, [](unsigned char byte) { return (byte < 0x21) | (byte == 0x7f); }))
    return std::nullopt;
  return token;
}

TokenVerifierOptions TokenVerifierOptions::from_environment(const Environment& environment) {
  TokenVerifierOptions options;
  options.issuer = environment.string("PHONEBILL_TOKEN_ISSUER", options.issuer);
  options.audience = environment.string("PHONEBILL_TOKEN_AUDIENCE", options.audience);
  options.leeway = std::chrono::seconds{
      environment.integer("PHONEBILL_TOKEN_LEEWAY_SECONDS", options.leeway.count(), 0, 300)};
  options.cache_capacity = static_cast<std::size_t>(
      environment.integer("PHONEBILL_TOKEN_CACHE_SIZE",
                          static_cast<std::int64_t>(options.cache_capacity), 0, 10'000'000));
  return options;
}

TokenVerifier::TokenVerifier(JwksSource& keys, TokenVerifierOptions options, const Clock& clock,
                             const RevocationSet* revocations)
    : keys_(keys),
      options_(std::move(options)),
      clock_(clock),
      revocations_(revocations),
      cache_(std::make_unique<VerifiedTokenCache>(options_.cache_capacity)) {}

TokenVerifier::~TokenVerifier() = default;

TokenResult TokenVerifier::verify(std::string_view token) const { return finish(evaluate(token)); }

std::optional<TokenStatus> TokenVerifier::verify_into(std::string_view token,
                                                     VerifiedToken& into) const {
  auto status = evaluate_into(token, into);
  (status ? rejected_ : accepted_).fetch_add(1, std::memory_order_relaxed);
  return status;
}

TokenResult TokenVerifier::evaluate(std::string_view token) const {
  VerifiedToken verified;
  if (auto status = evaluate_into(token, verified)) return *status;
  return verified;
}

std::optional<TokenStatus> TokenVerifier::evaluate_into(std::string_view token,
                                                        VerifiedToken& into) const {
  if (token.empty()) return TokenStatus::kMissing;
  if (token.size() > options_.max_token_bytes) return TokenStatus::kMalformed;
  const auto now = clock_.now();
  const SystemTime::duration leeway = options_.leeway;

  Sha256Digest digest{};
  const std::string_view digest_bytes{digest.data(), digest.size()};
  if (options_.cache_capacity > 0) {
    digest = sha256_digest(token);
    if (cache_->find_into(digest_bytes, now, leeway, into) && keys_.find(into.key_id)) {
      cache_hits_.fetch_add(1, std::memory_order_relaxed);
      if (revocations_ != nullptr && revocations_->is_revoked(into)) {
        return TokenStatus::kRevoked;
      }
      return std::nullopt;
    }
  }
  auto result = check_uncached(token);
  if (!result) return result.error();
  if (options_.cache_capacity > 0) cache_->insert(std::string{digest_bytes}, *result, now, leeway);
  if (revocations_ != nullptr && revocations_->is_revoked(*result)) {
    return TokenStatus::kRevoked;
  }
  into = std::move(*result);
  return std::nullopt;
}

TokenResult TokenVerifier::check_uncached(std::string_view token) const {
  const auto parts = detail::split_compact(token);
  if (!parts) return TokenStatus::kMalformed;
  const auto header = decode_object(parts->header);
  if (!header) return TokenStatus::kMalformed;
  auto key_id = accepted_key_id(*header);
  if (!key_id) return key_id.error();
  const auto key = keys_.find(*key_id);
  if (!key) return TokenStatus::kUnknownKey;

  const auto signature = base64url_decode(parts->signature);
  if (!signature) return TokenStatus::kMalformed;
  signature_checks_.fetch_add(1, std::memory_order_relaxed);
  if (!detail::es256_verify(key->native_handle(), parts->signing_input, *signature)) {
    return TokenStatus::kBadSignature;
  }

  // Only now, with the payload authenticated, is it parsed.
  const auto payload = decode_object(parts->payload);
  if (!payload) return TokenStatus::kMalformed;
  const auto* issuer = string_claim(*payload, "iss");
  if (issuer == nullptr || *issuer != options_.issuer) return TokenStatus::kWrongIssuer;
  if (!audience_matches(payload->if_contains("aud"), options_.audience)) {
    return TokenStatus::kWrongAudience;
  }
  auto claims = read_claims(*payload);
  if (!claims) return claims.error();

  const auto now = clock_.now();
  const SystemTime::duration leeway = options_.leeway;
  auto& verified = claims->token;
  if (verified.issued_at > now + leeway ||
      (claims->not_before && *claims->not_before > now + leeway)) {
    return TokenStatus::kNotYetValid;
  }
  if (verified.expires_at + leeway <= now) return TokenStatus::kExpired;
  verified.key_id = std::move(*key_id);
  return std::move(verified);
}

TokenResult TokenVerifier::finish(TokenResult result) const {
  (result ? accepted_ : rejected_).fetch_add(1, std::memory_order_relaxed);
  return result;
}

boost::asio::awaitable<TokenResult> TokenVerifier::verify_or_refresh(std::string token) {
  auto result = evaluate(token);
  if (result || result.error() != TokenStatus::kUnknownKey) co_return finish(std::move(result));
  auto key_id = header_key_id(token);
  if (!key_id || !co_await keys_.refresh_for_unknown_key(std::move(*key_id))) {
    co_return finish(std::move(result));
  }
  co_return verify(token);
}

TokenVerifierCounters TokenVerifier::counters() const {
  return TokenVerifierCounters{accepted_.load(), rejected_.load(), cache_hits_.load(),
                               signature_checks_.load()};
}

}  // namespace phonebill::security
