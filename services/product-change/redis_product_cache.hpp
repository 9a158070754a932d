// ProductCache in Redis (SPEC §6), cache-aside: the catalogue (`product:v1:catalogue`,
// 24 h, warmed at start), a line's customer and current plan (`product:v1:line:<line>`,
// 4 h) and its status (`product:v1:status:<line>`, 30 min). A line is answered only
// while both of its keys live; forget_line deletes both. Every Redis error is a miss.
// Values are KOS wire JSON (the codec of src/kos reads them back). Entry point:
// RedisProductCache (settings: cache_policy.hpp).
#pragma once
#include <chrono>

#include "cache_policy.hpp"
#include "core/clock.hpp"
#include "core/deadline.hpp"
#include "product_cache.hpp"

namespace phonebill::cache {
class RedisClient;
}

namespace phonebill::product {

class RedisProductCache final : public ProductCache {
 public:
  // `redis` and `clock` must outlive the cache.
  RedisProductCache(cache::RedisClient& redis, CachePolicy policy, const Clock& clock);

  static std::string catalogue_key();
  static std::string line_key(const std::string& line_number);
  static std::string status_key(const std::string& line_number);

  boost::asio::awaitable<std::optional<kos::ProductList>> load_catalogue(
      CacheLookup& lookup) override;
  boost::asio::awaitable<bool> store_catalogue(const kos::ProductList& catalogue) override;
  boost::asio::awaitable<std::optional<kos::ProductInquiryResult>> load_line(
      std::string line_number, CacheLookup& lookup) override;
  boost::asio::awaitable<bool> store_line(const kos::ProductInquiryResult& line) override;
  boost::asio::awaitable<bool> forget_line(std::string line_number) override;

 private:
  Deadline deadline() const;

  cache::RedisClient& redis_;
  CachePolicy policy_;
  const Clock& clock_;
};

}  // namespace phonebill::product
