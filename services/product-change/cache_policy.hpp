// RedisProductCache's settings (PHONEBILL_PRODUCT_CACHE_*_MS, …_REDIS_TIMEOUT_MS), in a
// header of their own so the configuration does not pull in the cache.
#pragma once
#include <chrono>

namespace phonebill::product {

struct CachePolicy {
  std::chrono::milliseconds catalogue_ttl{24 * 60 * 60 * 1000};  // SPEC §6: 24 h
  std::chrono::milliseconds line_ttl{4 * 60 * 60 * 1000};        // customer + plan: 4 h
  std::chrono::milliseconds status_ttl{30 * 60 * 1000};          // line status: 30 min
  std::chrono::milliseconds redis_timeout{100};  // per command: an outage costs little
};

}  // namespace phonebill::product
