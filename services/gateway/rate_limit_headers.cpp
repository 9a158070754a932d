// RateLimit-Policy and RateLimit values from the buckets' settings and decisions.
#include "rate_limit_headers.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

namespace phonebill::gateway {

namespace {

// Room for one item ("<policy>";q=<n>;w=<n> or "<policy>";r=<n>;t=<n>, two 20-digit
// numbers at most) and its separator, and for a whole value.
constexpr std::size_t kItemRoom = RateLimitHeaders::kMaxPolicyName + 52;
constexpr std::size_t kValueRoom = 3 * kItemRoom;

// A value written on the stack, each piece with its size known (no strlen, no string).
class ValueText {
 public:
  ValueText& append(std::string_view piece) {
    piece.copy(text_ + size_, piece.size());
    size_ += piece.size();
    return *this;
  }
  ValueText& append(std::int64_t number) {
    size_ = std::size_t(std::to_chars(text_ + size_, text_ + kValueRoom, number).ptr - text_);
    return *this;
  }
  std::string_view view() const { return {text_, size_}; }

 private:
  char text_[kValueRoom];
  std::size_t size_ = 0;
};

// floor and ceil of a non-negative count, without libm's calls (issue 17 item 2: the
// rate-limit values cost 2,800 instructions per request).
std::int64_t round_down(double value) {
  auto whole = std::int64_t(value);
  return double(whole) > value ? whole - 1 : whole;
}
std::int64_t round_up(double value) {
  auto whole = std::int64_t(value);
  return double(whole) < value ? whole + 1 : whole;
}

}  // namespace

namespace {

void render_limit(ValueText& value, std::string_view policy, const RateDecision& decision) {
  using namespace std::string_view_literals;
  auto left = decision.allowed ? std::max<std::int64_t>(0, round_down(decision.remaining)) : 0;
  auto until = decision.allowed ? decision.until_full : decision.retry_after;
  value.append("\""sv).append(policy).append("\";r="sv).append(left);
  value.append(";t="sv).append(std::int64_t(until.count()));
}

}  // namespace

std::string render_policy_item(std::string_view policy, const BucketSettings& settings) {
  using namespace std::string_view_literals;
  if (settings.per_second <= 0 || policy.size() > RateLimitHeaders::kMaxPolicyName) return {};
  auto quota = round_down(settings.burst);
  auto window = std::max<std::int64_t>(1, round_up(settings.burst / settings.per_second));
  ValueText item;
  item.append("\""sv).append(policy).append("\";q="sv).append(quota);
  item.append(";w="sv).append(window);
  return std::string{item.view()};
}

void RateLimitHeaders::add(const RateLimiter& limiter, const RateDecision& decision) {
  if (!limiter.enabled()) return;  // a disabled limit is no policy
  if (count_ == items_.size() || limiter.name().size() > kMaxPolicyName) return;
  items_[count_++] = Item{limiter.name(), limiter.policy_item(), decision};
}

std::string RateLimitHeaders::policy_value() const {
  ValueText value;
  for (std::size_t i = 0; i < count_; ++i) {
    if (i > 0) value.append(std::string_view{", "});
    value.append(items_[i].policy_item);
  }
  return std::string{value.view()};
}

std::string RateLimitHeaders::limit_value() const {
  ValueText value;
  for (std::size_t i = 0; i < count_; ++i) {
    if (i > 0) value.append(std::string_view{", "});
    render_limit(value, items_[i].policy, items_[i].decision);
  }
  return std::string{value.view()};
}

void RateLimitHeaders::apply(http::Response& response) const {
  if (count_ == 0) return;
  ValueText policies;
  ValueText limits;
  for (std::size_t i = 0; i < count_; ++i) {
    if (i > 0) {
      policies.append(std::string_view{", "});
      limits.append(std::string_view{", "});
    }
    policies.append(items_[i].policy_item);
    render_limit(limits, items_[i].policy, items_[i].decision);
  }
  response.add_header_line("RateLimit-Policy", policies.view());
  response.add_header_line("RateLimit", limits.view());
}

}  // namespace phonebill::gateway
