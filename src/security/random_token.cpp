// Refresh tokens, token ids and their storage hash (see random_token.hpp).
#include "security/random_token.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "security/encoding.hpp"

namespace phonebill::security {

std::string random_token(std::size_t byte_count) {
  std::string bytes(byte_count, '\0');
  if (byte_count > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()),
                                   static_cast<int>(byte_count)) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return base64url_encode(bytes);
}

std::string refresh_token_hash(std::string_view refresh_token) {
  return to_hex(sha256(refresh_token));
}

bool constant_time_equals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace phonebill::security
