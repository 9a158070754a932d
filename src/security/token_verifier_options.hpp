// What a TokenVerifier accepts (issuer, audience, leeway, size) and how many verified
// tokens it remembers; apart from the verifier so configuration headers include no Asio.
#pragma once
#include <chrono>
#include <cstddef>
#include <string>

#include "core/config.hpp"
#include "security/access_token.hpp"

namespace phonebill::security {

struct TokenVerifierOptions {
  std::string issuer{kDefaultIssuer};
  std::string audience{kDefaultAudience};
  // Clock skew allowed between auth and us, for exp and iat.
  std::chrono::seconds leeway{30};
  // Longer tokens are kMalformed before any parsing (ours are well under 1 KiB).
  std::size_t max_token_bytes = 8 * 1024;
  // Verified tokens remembered; 0 disables the cache.
  std::size_t cache_capacity = 10'000;

  // PHONEBILL_TOKEN_ISSUER, PHONEBILL_TOKEN_AUDIENCE, PHONEBILL_TOKEN_LEEWAY_SECONDS,
  // PHONEBILL_TOKEN_CACHE_SIZE. Throws ConfigError.
  static TokenVerifierOptions from_environment(const Environment& environment);
};

}  // namespace phonebill::security
