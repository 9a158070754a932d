// Byte encodings shared by the JWS, JWK and token code: base64url (RFC 4648 §5, no
// padding, strict), SHA-256 and hex. Entry points: base64url_encode/_decode, sha256,
// to_hex, from_hex.
#pragma once
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace phonebill::security {

// base64url without '=' padding.
std::string base64url_encode(std::string_view bytes);

// The bytes of a base64url text; nullopt for padding, characters outside the base64url
// alphabet, an impossible length, or non-zero unused trailing bits (so every byte string
// has exactly one accepted encoding).
std::optional<std::string> base64url_decode(std::string_view text);
// The same decoding where `text` lies (the bytes take its first three quarters): false, with
// `text` unspecified, when it is not canonical base64url. No allocation.
bool base64url_decode_in_place(std::string& text);

// The 32-byte SHA-256 digest of `bytes`.
std::string sha256(std::string_view bytes);

using Sha256Digest = std::array<char, 32>;
// The same digest without an allocation, for a per-request hash (the verified-token
// cache's key).
Sha256Digest sha256_digest(std::string_view bytes);

// Lower-case hex of `bytes`.
std::string to_hex(std::string_view bytes);

// The bytes of a hex text (either case); nullopt for an odd length or a non-hex digit.
std::optional<std::string> from_hex(std::string_view text);

}  // namespace phonebill::security
