// Where and how often an HttpJwksSource fetches the auth service's public keys; apart
// from the source so configuration headers include no Asio.
#pragma once
#include <chrono>
#include <string>
#include <vector>

#include "core/config.hpp"

namespace phonebill::security {

struct HttpJwksOptions {
  // Base URLs of auth instances ("http://127.0.0.1:8081"), tried in order until one answers.
  std::vector<std::string> base_urls;
  std::string path = "/api/v1/auth/jwks";
  // Periodic refresh while we have keys; the faster retry while we have none yet.
  std::chrono::milliseconds refresh_interval{5 * 60 * 1000};
  std::chrono::milliseconds retry_interval{2'000};
  // Fetches triggered by unknown kids start at most this often.
  std::chrono::milliseconds unknown_key_refresh_interval{10'000};
  // Deadline of one fetch from one auth instance.
  std::chrono::milliseconds request_timeout{2'000};

  // base_urls from PHONEBILL_UPSTREAM_AUTH (comma-separated, required);
  // PHONEBILL_JWKS_REFRESH_MS, PHONEBILL_JWKS_UNKNOWN_KID_REFRESH_MS,
  // PHONEBILL_JWKS_TIMEOUT_MS override the intervals. Throws ConfigError.
  static HttpJwksOptions from_environment(const Environment& environment);
};

}  // namespace phonebill::security
