// RateLimit-Policy and RateLimit values from the buckets' settings and decisions.
#include "rate_limit_headers.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>

namespace phonebill::gateway {

namespace {

// Appends `number` in decimal, without a temporary string.
void append_number(std::string& text, std::int64_t number) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, number).ptr;
  text.append(digits, end);
}

// Room for one item ("<policy>";q=<n>;w=<n>) and its separator.
constexpr std::size_t kItemRoom = 40;

}  // namespace

void RateLimitHeaders::add(std::string_view policy, const BucketSettings& settings,
                           const RateDecision& decision) {
  if (settings.per_second <= 0) return;  // a disabled limit is no policy
  if (count_ == items_.size()) return;
  items_[count_++] = Item{policy, settings, decision};
}

std::string RateLimitHeaders::policy_value() const {
  std::string value;
  value.reserve(count_ * kItemRoom);
  for (std::size_t i = 0; i < count_; ++i) {
    const auto& item = items_[i];
    if (i > 0) value.append(", ");
    auto quota = std::int64_t(std::floor(item.settings.burst));
    auto window = std::max<std::int64_t>(
        1, std::int64_t(std::ceil(item.settings.burst / item.settings.per_second)));
    value.append("\"").append(item.policy).append("\";q=");
    append_number(value, quota);
    value.append(";w=");
    append_number(value, window);
  }
  return value;
}

std::string RateLimitHeaders::limit_value() const {
  std::string value;
  value.reserve(count_ * kItemRoom);
  for (std::size_t i = 0; i < count_; ++i) {
    const auto& item = items_[i];
    if (i > 0) value.append(", ");
    auto left = std::max<std::int64_t>(0, std::int64_t(std::floor(item.decision.remaining)));
    auto until = item.decision.allowed ? item.decision.until_full : item.decision.retry_after;
    if (!item.decision.allowed) left = 0;
    value.append("\"").append(item.policy).append("\";r=");
    append_number(value, left);
    value.append(";t=");
    append_number(value, std::int64_t(until.count()));
  }
  return value;
}

void RateLimitHeaders::apply(http::Response& response) const {
  if (count_ == 0) return;
  response.set_header("RateLimit-Policy", policy_value());
  response.set_header("RateLimit", limit_value());
}

}  // namespace phonebill::gateway
