// RedisBillCache: the bill cache in Redis (see redis_bill_cache.hpp). Bill value, sealed:
// bill:v4 (v3, read only) — cached_bill_value.hpp (the billInfo bytes as shown, after one
// line of times, total and document key); bill:v2, read only — {"cachedAt": ms, "freshUntil": ms,
// "bill": <KOS wire form>} (the codec of src/kos reads it back). Menu value, sealed: {"forMonth":
// "YYYYMM", "menu": {...}}.
#include "redis_bill_cache.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <algorithm>
#include <array>

#include "bill_document_key.hpp"
#include "bill_sealing.hpp"
#include "bill_views.hpp"
#include "cache/redis_client.hpp"
#include "cached_bill_value.hpp"
#include "core/epoch_milliseconds.hpp"
#include "core/json.hpp"
#include "core/log.hpp"
#include "kos/codec.hpp"

namespace phonebill::bill {
namespace {

// A bill:v2 copy (written by the binary before bill:v3), or nullopt when it is not one of
// ours (then it is a miss).
std::optional<CachedBill> parse_v2_cached_bill(std::string_view text, SystemTime now) {
  auto document = parse_json(text);
  if (!document || !document->is_object()) return std::nullopt;
  const auto& object = document->as_object();
  auto* cached_at = object.if_contains("cachedAt");
  auto* fresh_until = object.if_contains("freshUntil");
  auto* bill = object.if_contains("bill");
  if (!cached_at || !fresh_until || !bill || !cached_at->is_int64() || !fresh_until->is_int64())
    return std::nullopt;
  FieldErrors errors;
  auto parsed = kos::parse_bill(*bill, errors);
  if (!parsed) return std::nullopt;
  return CachedBill{shown_bill(*parsed), from_epoch_milliseconds(cached_at->as_int64()),
                    epoch_milliseconds(now) < fresh_until->as_int64()};
}

boost::json::object menu_json(const BillMenu& menu) {
  boost::json::array months;
  for (const auto& month : menu.available_months)
    months.push_back(boost::json::value(month.api_form()));
  boost::json::object json{{"customerId", menu.customer_id},
                           {"lineNumber", menu.line_number},
                           {"availableMonths", std::move(months)},
                           {"defaultMonth", menu.default_month.api_form()},
                           {"monthsFromKos", menu.months_source == MonthsSource::kKos}};
  if (menu.customer_name) json["customerName"] = *menu.customer_name;
  return json;
}

std::optional<std::string> text_of(const boost::json::object& object, std::string_view key) {
  auto* value = object.if_contains(key);
  if (!value || !value->is_string()) return std::nullopt;
  return std::string{value->get_string()};
}

std::optional<BillMenu> parse_menu(const boost::json::object& json) {
  BillMenu menu;
  auto customer_id = text_of(json, "customerId");
  auto line_number = text_of(json, "lineNumber");
  auto default_month = text_of(json, "defaultMonth");
  auto* months = json.if_contains("availableMonths");
  if (!customer_id || !line_number || !default_month || !months || !months->is_array())
    return std::nullopt;
  menu.customer_id = std::move(*customer_id);
  menu.line_number = std::move(*line_number);
  menu.customer_name = text_of(json, "customerName");
  auto month = BillingMonth::parse(*default_month);
  if (!month) return std::nullopt;
  menu.default_month = *month;
  for (const auto& value : months->as_array()) {
    auto available = value.is_string() ? BillingMonth::parse(value.get_string()) : std::nullopt;
    if (!available) return std::nullopt;
    menu.available_months.push_back(*available);
  }
  auto* from_kos = json.if_contains("monthsFromKos");
  menu.months_source = from_kos && from_kos->is_bool() && !from_kos->get_bool()
                           ? MonthsSource::kLocal
                           : MonthsSource::kKos;
  return menu;
}

}  // namespace

boost::system::result<std::optional<CachedBillValue>, crypto::OpenError> open_cached_bill(
    const crypto::SealedColumns& sealed, std::string_view key, std::string value) {
  auto opened = sealed.open_text_in_place(value, kCacheValueField, key);
  if (!opened) return opened.error();
  return decode_cached_bill(std::move(value));
}

std::string bill_key(const std::string& line_number, const BillingMonth& month) {
  return "bill:v1:" + line_number + ":" + month.kos_form();
}

RedisBillCache::RedisBillCache(cache::RedisClient& redis, CachePolicy policy, const Clock& clock,
                               const crypto::SealedColumns& sealed)
    : redis_(redis), policy_(policy), clock_(clock), sealed_(sealed) {}

// v3: the billInfo bytes as shown (cached_bill_value.hpp). v2 (the same sealing, the KOS
// wire form): read when a line has no v3 copy yet, so a rolling upgrade costs KOS no
// refill; the old binary never reads v3 (another key), so the two formats never meet.
// v2 keys expire with their stale TTL; v1 keys (clear) are never read again
// (docs/security.md says how to drop them at once).
// v4 adds the bill's document key to the v3 value (cached_bill_value.hpp). v4 is read
// first, then v3 (a copy the binary before left; the history computes its document key),
// then v2; only v4 is written.
namespace {
constexpr std::string_view kV4Prefix = "bill:v4:";
constexpr std::string_view kV3Prefix = "bill:v3:";
constexpr std::array<std::string_view, 2> kReadPrefixes{kV4Prefix, kV3Prefix};
}  // namespace

std::string RedisBillCache::versioned_key(std::string_view prefix, const std::string& line_number,
                                          const BillingMonth& month) const {
  constexpr std::size_t kIndexTextBytes = 43;  // base64url of 32 bytes
  std::string key;
  key.reserve(prefix.size() + kIndexTextBytes + 1 + 6);  // one allocation per look-up
  key.append(prefix);
  key.append(sealed_.index_text(kCacheLinePurpose, line_number));
  key.push_back(':');
  key.append(month.kos_form());
  return key;
}

std::string RedisBillCache::key_of(const std::string& line_number,
                                   const BillingMonth& month) const {
  return versioned_key(kV4Prefix, line_number, month);
}

std::string RedisBillCache::v2_key_of(const std::string& line_number,
                                      const BillingMonth& month) const {
  return "bill:v2:" + sealed_.index_text(kCacheLinePurpose, line_number) + ":" + month.kos_form();
}

std::string RedisBillCache::menu_key_of(const std::string& line_number) const {
  return "bill:v2:menu:" + sealed_.index_text(kCacheLinePurpose, line_number);
}

// Still named after v3: the fleet's locks and KOS budget stay shared with instances of
// the binary before during a rolling upgrade.
std::string RedisBillCache::fleet_key(const std::string& line_number,
                                      const BillingMonth& month) const {
  return versioned_key(kV3Prefix, line_number, month);
}

std::optional<std::string> RedisBillCache::open(const std::string& key,
                                                std::string_view value) const {
  auto opened = sealed_.open_text(value, kCacheValueField, key);
  if (opened) return std::move(*opened);
  log::warn("bill_cache_value_refused", {{"reason", crypto::to_string(opened.error())}});
  return std::nullopt;
}

Deadline RedisBillCache::redis_deadline() const {
  return clock_.steady_now() + policy_.redis_timeout;
}

boost::asio::awaitable<CacheRead> RedisBillCache::load(std::string line_number,
                                                       BillingMonth month) {
  for (auto prefix : kReadPrefixes) {
    const auto key = versioned_key(prefix, line_number, month);
    auto reply = co_await redis_.get(key, redis_deadline());
    if (!reply) co_return CacheRead{std::nullopt, cache::CacheLookup::kError};
    if (reply->has_value()) co_return read_of(key, std::move(**reply));
  }
  co_return co_await load_v2(line_number, month);
}

CacheRead RedisBillCache::read_of(const std::string& key, std::string value) const {
  auto opened = open_cached_bill(sealed_, key, std::move(value));
  if (!opened) {
    log::warn("bill_cache_value_refused", {{"reason", crypto::to_string(opened.error())}});
    return CacheRead{std::nullopt, cache::CacheLookup::kError};
  }
  auto& read = *opened;
  if (!read) return CacheRead{};
  const bool fresh = clock_.now() < read->fresh_until;
  auto lookup = fresh ? cache::CacheLookup::kHit : cache::CacheLookup::kStale;
  return CacheRead{CachedBill{std::move(read->bill), read->cached_at, fresh, read->fresh_until},
                   lookup};
}

boost::asio::awaitable<CacheRead> RedisBillCache::load_v2(const std::string& line_number,
                                                          const BillingMonth& month) {
  const auto key = v2_key_of(line_number, month);
  auto reply = co_await redis_.get(key, redis_deadline());
  if (!reply) co_return CacheRead{std::nullopt, cache::CacheLookup::kError};
  if (!reply->has_value()) co_return CacheRead{};
  auto text = open(key, **reply);
  if (!text) co_return CacheRead{std::nullopt, cache::CacheLookup::kError};
  auto copy = parse_v2_cached_bill(*text, clock_.now());
  if (!copy) co_return CacheRead{};
  auto lookup = copy->fresh ? cache::CacheLookup::kHit : cache::CacheLookup::kStale;
  co_return CacheRead{std::move(copy), lookup};
}

boost::asio::awaitable<void> RedisBillCache::store(std::string line_number, BillingMonth month,
                                                   ShownBill bill, bool current_month) {
  auto now = clock_.now();
  auto fresh_for = current_month ? policy_.current_month_ttl : policy_.closed_month_ttl;
  auto name = key_of(line_number, month);
  bill.document_key = bill_document_key(sealed_, line_number, month.kos_form(), *bill.info_json);
  auto text =
      sealed_.seal_text(kCacheValueField, name, encode_cached_bill(bill, now, now + fresh_for));
  auto keep_for = std::max(policy_.stale_ttl, fresh_for);
  auto stored = co_await redis_.set(name, text, keep_for, redis_deadline());
  if (!stored) log::debug("bill_cache_store_failed", {{"key", "bill:v4:*"}});
}

boost::asio::awaitable<std::optional<BillMenu>> RedisBillCache::load_menu(std::string line_number,
                                                                          BillingMonth month) {
  if (policy_.menu_ttl.count() <= 0) co_return std::nullopt;
  const auto key = menu_key_of(line_number);
  auto reply = co_await redis_.get(key, redis_deadline());
  if (!reply || !reply->has_value()) co_return std::nullopt;
  auto text = open(key, **reply);
  if (!text) co_return std::nullopt;
  auto document = parse_json(*text);
  if (!document || !document->is_object()) co_return std::nullopt;
  const auto& object = document->as_object();
  auto* menu = object.if_contains("menu");
  if (text_of(object, "forMonth") != month.kos_form() || !menu || !menu->is_object())
    co_return std::nullopt;
  co_return parse_menu(menu->as_object());
}

boost::asio::awaitable<void> RedisBillCache::store_menu(BillMenu menu, BillingMonth month) {
  if (policy_.menu_ttl.count() <= 0) co_return;
  boost::json::object value{{"forMonth", month.kos_form()}, {"menu", menu_json(menu)}};
  const auto key = menu_key_of(menu.line_number);
  auto text = sealed_.seal_text(kCacheValueField, key, to_json_text(value));
  co_await redis_.set(key, text, policy_.menu_ttl, redis_deadline());
}

}  // namespace phonebill::bill
