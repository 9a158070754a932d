// Internal: the ES256 half of JWS (RFC 7515 / 7518 §3.4) on OpenSSL: split a compact
// serialisation, sign and verify with the raw 64-byte r||s signature JWS uses (OpenSSL
// speaks DER, so both directions convert). Used by TokenSigner and TokenVerifier only.
#pragma once
#include <optional>
#include <string>
#include <string_view>

struct evp_pkey_st;

namespace phonebill::security::detail {

// The three dot-separated parts of a compact JWS; signing_input is "header.payload".
struct CompactJws {
  std::string_view header;
  std::string_view payload;
  std::string_view signature;
  std::string_view signing_input;
};

// nullopt unless `token` has exactly two dots and three non-empty parts.
std::optional<CompactJws> split_compact(std::string_view token);

// ECDSA P-256 over SHA-256 of `signing_input` as r||s (64 bytes). Throws
// std::runtime_error if OpenSSL fails (no private key, out of memory).
std::string es256_sign(evp_pkey_st* key, std::string_view signing_input);

// True if `signature` (exactly 64 bytes r||s, each in [1, n-1]) verifies. Never throws.
bool es256_verify(evp_pkey_st* key, std::string_view signing_input, std::string_view signature);

}  // namespace phonebill::security::detail
