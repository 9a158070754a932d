// The product-change caches as the domain sees them (the role; RedisProductCache is the
// Redis implementation, tests use an in-memory one): the catalogue, and a line's
// customer, plan and status. A lookup that fails is a miss (lookup says kError), so an
// outage degrades to KOS calls. Entry points: load_catalogue/store_catalogue,
// load_line/store_line, forget_line.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

#include "cache/cache_lookup.hpp"
#include "kos/wire.hpp"

namespace phonebill::product {

using cache::CacheLookup;

class ProductCache {
 public:
  virtual ~ProductCache() = default;

  virtual boost::asio::awaitable<std::optional<kos::ProductList>> load_catalogue(
      CacheLookup& lookup) = 0;
  virtual boost::asio::awaitable<bool> store_catalogue(const kos::ProductList& catalogue) = 0;
  // The line's customer and plan with its status, or nullopt (not cached, or partly).
  virtual boost::asio::awaitable<std::optional<kos::ProductInquiryResult>> load_line(
      std::string line_number, CacheLookup& lookup) = 0;
  virtual boost::asio::awaitable<bool> store_line(const kos::ProductInquiryResult& line) = 0;
  // Drops the line's entries (after a completed change). False if not confirmed.
  virtual boost::asio::awaitable<bool> forget_line(std::string line_number) = 0;
  // The name the fleet's fill lock of a line's entries goes by (a Redis key: the Redis
  // cache names the line by its blind index, never by its number).
  virtual std::string line_fill_key(const std::string& line_number) const {
    return "product:line:" + line_number;
  }
};

}  // namespace phonebill::product
