// The SPEC §6 caches in Redis, cache-aside: the catalogue (`product:v1:catalogue`, 24 h,
// warmed at start), a line's customer and current plan (`product:v1:line:<line>`, 4 h)
// and its status (`product:v1:status:<line>`, 30 min). A line is answered from the cache
// only while both of its keys live; a completed change deletes both. Every Redis error
// is a miss, so an outage degrades to direct KOS calls. Values are KOS wire JSON (the
// codec of src/kos reads them back). Entry points: load_catalogue/store_catalogue,
// load_line/store_line, forget_line.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

#include "cache/redis_client.hpp"
#include "kos/wire.hpp"
#include "product_config.hpp"

namespace phonebill::product {

enum class CacheLookup { kHit, kMiss, kError };

class ProductCache {
 public:
  // `redis` must outlive the cache.
  ProductCache(cache::RedisClient& redis, CachePolicy policy);

  static std::string catalogue_key();
  static std::string line_key(const std::string& line_number);
  static std::string status_key(const std::string& line_number);

  boost::asio::awaitable<std::optional<kos::ProductList>> load_catalogue(CacheLookup& lookup);
  boost::asio::awaitable<bool> store_catalogue(const kos::ProductList& catalogue);
  // The line's customer and plan with the cached status, or nullopt (either key missing).
  boost::asio::awaitable<std::optional<kos::ProductInquiryResult>> load_line(
      std::string line_number, CacheLookup& lookup);
  boost::asio::awaitable<bool> store_line(const kos::ProductInquiryResult& line);
  // Deletes the line's keys (after a completed change). False if Redis did not confirm.
  boost::asio::awaitable<bool> forget_line(std::string line_number);

 private:
  std::chrono::steady_clock::time_point deadline() const;

  cache::RedisClient& redis_;
  CachePolicy policy_;
};

}  // namespace phonebill::product
