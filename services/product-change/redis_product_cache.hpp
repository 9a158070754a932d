// ProductCache in Redis (SPEC §6), cache-aside: the catalogue (`product:v1:catalogue`,
// 24 h, warmed at start), a line's customer and current plan (`product:v2:line:<index>`,
// 4 h) and its status (`product:v2:status:<index>`, 30 min). A line is answered only
// while both of its keys live; forget_line deletes both. Every Redis error is a miss.
// Values are KOS wire JSON (the codec of src/kos reads them back). A line's values hold
// a customer's name and line number, so they are sealed (SPEC §14, docs/security.md
// "Data protection": base64url of the sealed value, the Redis key as associated data)
// and their keys name the line by its blind index in hex, never by its number; a value
// that does not open is a miss and a counted error (lookup kError). The catalogue holds
// no personal data and stays clear. Entry point: RedisProductCache (settings:
// cache_policy.hpp).
#pragma once
#include <chrono>

#include "cache_policy.hpp"
#include "core/clock.hpp"
#include "core/deadline.hpp"
#include "crypto/blind_index.hpp"
#include "crypto/sealed_columns.hpp"
#include "product_cache.hpp"

namespace phonebill::cache {
class RedisClient;
}

namespace phonebill::product {

class RedisProductCache final : public ProductCache {
 public:
  // `redis`, `clock` and `data_keys` must outlive the cache.
  RedisProductCache(cache::RedisClient& redis, CachePolicy policy, const Clock& clock,
                    const crypto::KeyRing& data_keys);

  static std::string catalogue_key();
  // The keys of a line's entries: its blind index (purpose kCacheLineIndex) in hex.
  std::string line_key(const std::string& line_number) const;
  std::string status_key(const std::string& line_number) const;

  boost::asio::awaitable<std::optional<kos::ProductList>> load_catalogue(
      CacheLookup& lookup) override;
  boost::asio::awaitable<bool> store_catalogue(const kos::ProductList& catalogue) override;
  boost::asio::awaitable<std::optional<kos::ProductInquiryResult>> load_line(
      std::string line_number, CacheLookup& lookup) override;
  boost::asio::awaitable<bool> store_line(const kos::ProductInquiryResult& line) override;
  boost::asio::awaitable<bool> forget_line(std::string line_number) override;
  std::string line_fill_key(const std::string& line_number) const override;

 private:
  Deadline deadline() const;
  // `text` sealed for `key`, as a Redis value; and opened (nullopt: it does not open).
  std::string seal(const std::string& key, std::string_view text) const;
  std::optional<std::string> open(const std::string& key, std::string_view value) const;

  cache::RedisClient& redis_;
  CachePolicy policy_;
  const Clock& clock_;
  crypto::SealedColumns columns_;  // values: seal_text / open_text
  crypto::BlindIndex index_;       // keys: the index in hex
};

// The blind index purpose of the line in a cache key, and the field of the associated
// data of a cached value (its row part is the Redis key).
inline constexpr std::string_view kCacheLineIndex = "product.cache.line";
inline constexpr std::string_view kCacheValueField = "product.cache";

}  // namespace phonebill::product
