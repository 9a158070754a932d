// Opaque secrets that are not JWTs: refresh tokens, token ids (jti), session ids.
// Refresh tokens are stored only as their SHA-256 (refresh_token_hash), so a database
// leak does not hand out live sessions. Entry points: generate_refresh_token(),
// refresh_token_hash(), generate_token_id(), constant_time_equals().
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace phonebill::security {

// Bytes of entropy in a refresh token (256 bits) and in a token or session id (128 bits).
inline constexpr std::size_t kRefreshTokenBytes = 32;
inline constexpr std::size_t kTokenIdBytes = 16;

// `byte_count` bytes from the CSPRNG (OpenSSL RAND_bytes), base64url without padding.
// Throws std::runtime_error only if the CSPRNG fails (never seen in practice).
std::string random_token(std::size_t byte_count);

// A new refresh token: 32 random bytes, base64url (43 characters). Never log it.
inline std::string generate_refresh_token() { return random_token(kRefreshTokenBytes); }

// A new id for a token (jti) or a session (sid): 16 random bytes, base64url (22 characters).
inline std::string generate_token_id() { return random_token(kTokenIdBytes); }

// What the database stores for a refresh token: lower-case hex SHA-256 (64 characters).
// Look tokens up by this hash; the token itself is never stored or logged.
std::string refresh_token_hash(std::string_view refresh_token);

// True when a and b hold the same bytes. The time taken depends on the lengths only,
// not on where the first difference is (CRYPTO_memcmp), so secrets compared with it do
// not leak through timing.
bool constant_time_equals(std::string_view a, std::string_view b);

}  // namespace phonebill::security
