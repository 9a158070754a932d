// RateLimit-Policy and RateLimit values from the buckets' settings and decisions.
#include "rate_limit_headers.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace phonebill::gateway {

void RateLimitHeaders::add(std::string_view policy, const BucketSettings& settings,
                           const RateDecision& decision) {
  if (settings.per_second <= 0) return;  // a disabled limit is no policy
  items_.push_back(Item{std::string{policy}, settings, decision});
}

std::string RateLimitHeaders::policy_value() const {
  std::string value;
  for (const auto& item : items_) {
    if (!value.empty()) value += ", ";
    auto quota = std::int64_t(std::floor(item.settings.burst));
    auto window = std::max<std::int64_t>(
        1, std::int64_t(std::ceil(item.settings.burst / item.settings.per_second)));
    value += '"' + item.policy + "\";q=" + std::to_string(quota) + ";w=" + std::to_string(window);
  }
  return value;
}

std::string RateLimitHeaders::limit_value() const {
  std::string value;
  for (const auto& item : items_) {
    if (!value.empty()) value += ", ";
    auto left = std::max<std::int64_t>(0, std::int64_t(std::floor(item.decision.remaining)));
    auto until = item.decision.allowed ? item.decision.until_full : item.decision.retry_after;
    if (!item.decision.allowed) left = 0;
    value +=
        '"' + item.policy + "\";r=" + std::to_string(left) + ";t=" + std::to_string(until.count());
  }
  return value;
}

void RateLimitHeaders::apply(http::Response& response) const {
  if (items_.empty()) return;
  response.set_header("RateLimit-Policy", policy_value());
  response.set_header("RateLimit", limit_value());
}

}  // namespace phonebill::gateway
