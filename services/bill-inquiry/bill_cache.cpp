// BillCache: see bill_cache.hpp. Value: {"cachedAt": ms, "freshUntil": ms, "bill": <KOS
// wire form>} (the codec of src/kos reads it back, so the format cannot drift).
#include "bill_cache.hpp"

#include <boost/json/object.hpp>

#include "core/json.hpp"
#include "core/log.hpp"
#include "kos/codec.hpp"

namespace phonebill::bill {
namespace {

std::int64_t epoch_ms(SystemTime time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

SystemTime from_epoch_ms(std::int64_t ms) {
  return SystemTime{
      std::chrono::duration_cast<SystemTime::duration>(std::chrono::milliseconds{ms})};
}

}  // namespace

BillCache::BillCache(cache::RedisClient& redis, CachePolicy policy, const Clock& clock)
    : redis_(redis), policy_(policy), clock_(clock) {}

std::string BillCache::key(const std::string& line_number, const BillingMonth& month) {
  return "bill:v1:" + line_number + ":" + month.kos_form();
}

boost::asio::awaitable<std::optional<CachedBill>> BillCache::load(std::string line_number,
                                                                  BillingMonth month,
                                                                  CacheLookup& lookup) {
  auto name = key(line_number, month);
  auto deadline = std::chrono::steady_clock::now() + policy_.redis_timeout;
  auto reply = co_await redis_.get(name, deadline);
  if (!reply) {
    lookup = CacheLookup::kError;
    co_return std::nullopt;
  }
  lookup = CacheLookup::kMiss;
  if (!reply->has_value()) co_return std::nullopt;
  auto document = parse_json(**reply);
  if (!document || !document->is_object()) co_return std::nullopt;
  const auto& object = document->as_object();
  auto* cached_at = object.if_contains("cachedAt");
  auto* fresh_until = object.if_contains("freshUntil");
  auto* bill = object.if_contains("bill");
  if (!cached_at || !fresh_until || !bill || !cached_at->is_int64() || !fresh_until->is_int64())
    co_return std::nullopt;
  FieldErrors errors;
  auto parsed = kos::parse_bill(*bill, errors);
  if (!parsed) co_return std::nullopt;
  CachedBill result;
  result.bill = std::move(*parsed);
  result.cached_at = from_epoch_ms(cached_at->as_int64());
  result.fresh = epoch_ms(clock_.now()) < fresh_until->as_int64();
  lookup = result.fresh ? CacheLookup::kHit : CacheLookup::kStale;
  co_return result;
}

boost::asio::awaitable<bool> BillCache::store(const kos::Bill& bill, bool current_month) {
  auto now = clock_.now();
  auto fresh_for = current_month ? policy_.current_month_ttl : policy_.closed_month_ttl;
  boost::json::object value;
  value["cachedAt"] = epoch_ms(now);
  value["freshUntil"] = epoch_ms(now + fresh_for);
  value["bill"] = kos::to_json(bill);
  auto text = to_json_text(value);
  auto name = key(bill.line_number, bill.billing_month);
  auto keep_for = std::max(policy_.stale_ttl, fresh_for);
  auto deadline = std::chrono::steady_clock::now() + policy_.redis_timeout;
  auto stored = co_await redis_.set(name, text, keep_for, deadline);
  if (!stored) log::debug("bill_cache_store_failed", {{"key", "bill:v1:*"}});
  co_return bool(stored);
}

}  // namespace phonebill::bill

namespace phonebill::bill {

boost::asio::awaitable<std::optional<boost::json::object>> BillCache::load_menu(
    std::string line_number, BillingMonth month) {
  if (policy_.menu_ttl.count() <= 0) co_return std::nullopt;
  auto name = "bill:v1:menu:" + line_number;
  auto deadline = std::chrono::steady_clock::now() + policy_.redis_timeout;
  auto reply = co_await redis_.get(name, deadline);
  if (!reply || !reply->has_value()) co_return std::nullopt;
  auto document = parse_json(**reply);
  if (!document || !document->is_object()) co_return std::nullopt;
  auto& object = document->as_object();
  auto* for_month = object.if_contains("forMonth");
  auto* menu = object.if_contains("menu");
  if (!for_month || !for_month->is_string() || for_month->get_string() != month.kos_form() ||
      !menu || !menu->is_object())
    co_return std::nullopt;
  co_return std::move(menu->as_object());
}

boost::asio::awaitable<bool> BillCache::store_menu(std::string line_number, BillingMonth month,
                                                   boost::json::object menu) {
  if (policy_.menu_ttl.count() <= 0) co_return false;
  boost::json::object value;
  value["forMonth"] = month.kos_form();
  value["menu"] = std::move(menu);
  auto text = to_json_text(value);
  auto name = "bill:v1:menu:" + line_number;
  auto deadline = std::chrono::steady_clock::now() + policy_.redis_timeout;
  auto stored = co_await redis_.set(name, text, policy_.menu_ttl, deadline);
  co_return bool(stored);
}

}  // namespace phonebill::bill
