// ProductCache in Redis: keys, TTLs, KOS wire JSON, sealed line values (see
// redis_product_cache.hpp).
#include "redis_product_cache.hpp"

#include "cache/redis_client.hpp"

#include "core/json.hpp"
#include "core/log.hpp"
#include "kos/codec.hpp"
#include "security/encoding.hpp"

namespace phonebill::product {
namespace {

template <typename T, typename Parse>
std::optional<T> parse_cached(const std::optional<std::string>& text, Parse parse) {
  if (!text) return std::nullopt;
  auto document = parse_json(*text);
  if (!document) return std::nullopt;
  FieldErrors errors;
  return parse(*document, errors);
}

}  // namespace

RedisProductCache::RedisProductCache(cache::RedisClient& redis, CachePolicy policy,
                                     const Clock& clock, const crypto::KeyRing& data_keys)
    : redis_(redis), policy_(policy), clock_(clock), columns_(data_keys), index_(data_keys) {}

std::string RedisProductCache::catalogue_key() { return "product:v1:catalogue"; }
// v2: since the values are sealed and the keys carry no line number (v1 entries, clear,
// are never read and age out within their TTL).
std::string RedisProductCache::line_key(const std::string& line) const {
  return "product:v2:line:" + security::to_hex(index_.compute(kCacheLineIndex, line));
}
std::string RedisProductCache::status_key(const std::string& line) const {
  return "product:v2:status:" + security::to_hex(index_.compute(kCacheLineIndex, line));
}

std::string RedisProductCache::line_fill_key(const std::string& line) const {
  return "product:v2:line:" + security::to_hex(index_.compute(kCacheLineIndex, line));
}

std::string RedisProductCache::seal(const std::string& key, std::string_view text) const {
  return columns_.seal_text(kCacheValueField, key, text);
}

std::optional<std::string> RedisProductCache::open(const std::string& key,
                                                   std::string_view value) const {
  auto opened = columns_.open_text(value, kCacheValueField, key);
  if (opened) return std::move(*opened);
  log::warn("sealed_value_refused",
            {{"field", kCacheValueField}, {"reason", crypto::to_string(opened.error())}});
  return std::nullopt;
}

Deadline RedisProductCache::deadline() const {
  return deadline_after(policy_.redis_timeout, clock_.steady_now());
}

boost::asio::awaitable<std::optional<kos::ProductList>> RedisProductCache::load_catalogue(
    CacheLookup& lookup) {
  auto key = catalogue_key();
  auto reply = co_await redis_.get(key, deadline());
  if (!reply) {
    lookup = CacheLookup::kError;
    co_return std::nullopt;
  }
  auto catalogue =
      parse_cached<kos::ProductList>(*reply, [](const auto& value, FieldErrors& errors) {
        return kos::parse_product_list(value, errors);
      });
  lookup = catalogue ? CacheLookup::kHit : CacheLookup::kMiss;
  co_return catalogue;
}

boost::asio::awaitable<bool> RedisProductCache::store_catalogue(const kos::ProductList& catalogue) {
  auto key = catalogue_key();
  auto text = to_json_text(kos::to_json(catalogue));
  auto stored = co_await redis_.set(key, text, policy_.catalogue_ttl, deadline());
  if (!stored) log::debug("product_cache_store_failed", {{"key", "product:v1:catalogue"}});
  co_return bool(stored);
}

boost::asio::awaitable<std::optional<kos::ProductInquiryResult>> RedisProductCache::load_line(
    std::string line_number, CacheLookup& lookup) {
  const auto line_name = line_key(line_number);
  const auto status_name = status_key(line_number);
  auto args = cache::redis_args("MGET", line_name, status_name);
  auto reply = co_await redis_.command(std::move(args), deadline());
  if (!reply || !reply->is_array() || reply->elements().size() != 2) {
    lookup = CacheLookup::kError;
    co_return std::nullopt;
  }
  lookup = CacheLookup::kMiss;
  const auto& line_value = reply->elements()[0];
  const auto& status_value = reply->elements()[1];
  if (!line_value.is_string() || !status_value.is_string()) co_return std::nullopt;
  auto line_text = open(line_name, line_value.text());
  auto status_text = open(status_name, status_value.text());
  if (!line_text || !status_text) {
    lookup = CacheLookup::kError;  // a miss, counted as an error
    co_return std::nullopt;
  }
  auto line = parse_cached<kos::ProductInquiryResult>(
      line_text, [](const auto& value, FieldErrors& errors) {
        return kos::parse_product_inquiry_result(value, errors);
      });
  auto status = kos::parse_line_status(*status_text);
  if (!line || !status) co_return std::nullopt;
  line->customer.line_status = *status;
  lookup = CacheLookup::kHit;
  co_return line;
}

boost::asio::awaitable<bool> RedisProductCache::store_line(const kos::ProductInquiryResult& line) {
  const auto& number = line.customer.line_number;
  auto line_name = line_key(number);
  auto line_text = seal(line_name, to_json_text(kos::to_json(line)));
  auto stored = co_await redis_.set(line_name, line_text, policy_.line_ttl, deadline());
  auto status_name = status_key(number);
  auto status_text = seal(status_name, kos::to_text(line.customer.line_status));
  auto status_stored =
      co_await redis_.set(status_name, status_text, policy_.status_ttl, deadline());
  co_return bool(stored) && bool(status_stored);
}

boost::asio::awaitable<bool> RedisProductCache::forget_line(std::string line_number) {
  auto args = cache::redis_args("DEL", line_key(line_number), status_key(line_number));
  auto deleted = co_await redis_.command(std::move(args), deadline());
  co_return bool(deleted);
}

}  // namespace phonebill::product
