// The rate-limit headers of a limited response, in the structured-field form of
// draft-ietf-httpapi-ratelimit-headers-11 (one item per policy the request went through):
//   RateLimit-Policy: "ip";q=100;w=2, "user";q=40;w=2
//   RateLimit: "ip";r=97;t=1, "user";r=39;t=1
// q is the burst, w the seconds an empty bucket takes to fill, r the whole tokens left,
// t the seconds until the bucket is full again — or, on a refusal, until the next token
// (the Retry-After), since the draft wants no Retry-After earlier than the window's end.
// Entry points: RateLimitHeaders::add, RateLimitHeaders::apply, render_policy_item.
#pragma once
#include <array>
#include <string>
#include <string_view>

#include "http/response.hpp"
#include "rate_limiter.hpp"

namespace phonebill::gateway {

// A policy's item of RateLimit-Policy ("ip";q=100;w=2): it depends on the limiter's name
// and settings only, so each RateLimiter renders it once (RateLimiter::policy_item).
std::string render_policy_item(std::string_view policy, const BucketSettings& settings);

class RateLimitHeaders {
 public:
  // One limiter the request was checked against, with its decision. `limiter` must
  // outlive this object (its name and policy item are kept as views); a disabled limiter
  // is no policy; past kMaxPolicies, further policies are left out, and so is a name
  // longer than kMaxPolicyName.
  void add(const RateLimiter& limiter, const RateDecision& decision);
  // Renders both fields into `response`'s header_lines (nothing when no policy was added):
  // the values are written on the stack, so the fields cost no std::string of their own
  // (issue 17 item 2: "RateLimit-Policy" and both values outgrew std::string's own room).
  void apply(http::Response& response) const;

  std::string policy_value() const;
  std::string limit_value() const;

  static constexpr std::size_t kMaxPolicyName = 32;

 private:
  // A request passes at most three limits (login or refresh, IP, user): a fixed array
  // keeps the per-request headers free of a vector and of copied names (and no larger
  // than that: it is in the gateway's per-request coroutine frame).
  static constexpr std::size_t kMaxPolicies = 3;
  struct Item {
    std::string_view policy;
    std::string_view policy_item;  // rendered once by the limiter
    RateDecision decision;
  };
  std::array<Item, kMaxPolicies> items_{};
  std::size_t count_ = 0;
};

}  // namespace phonebill::gateway
