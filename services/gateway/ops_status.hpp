// GET /api/v1/ops/status (SPEC §4, ADMIN): a live snapshot for the operations page.
// From the gateway itself: per-route rates, latency percentiles and error rates over the
// last minute, upstream instance health, the upstream breakers, token-cache and rate-limit
// counters. From the services' own /metrics (scraped on demand, at most every 2 s, 500 ms
// each): their circuit breakers (phonebill_circuit_breaker_state{breaker,state}, one
// series per state, with phonebill_circuit_breaker_transitions_total{breaker,to} counts
// and the history BreakerHistory keeps of what it saw) and cache hit ratios (*cache_requests_total
// / *cache_lookups_total by `result`; "hit" is a hit, any other result a miss). The document's
// shape is in docs/openapi.yaml (OpsStatus). Entry point: OpsStatus::answer.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <mutex>
#include <vector>

#include "breaker_history.hpp"
#include "core/clock.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "prometheus_text.hpp"
#include "rate_limiter.hpp"
#include "traffic_stats.hpp"
#include "upstream.hpp"

namespace phonebill::security {
class TokenVerifier;
}

namespace phonebill::gateway {

// Breaker and cache summaries from scraped samples of one service (pure; tested).
// Appends {service, name, state, transitionCounts} to `breakers` and {service, cache, hits, misses,
// hitRatio} to `caches` (summed per cache over the samples given). The outbox part: each
// service's delivery lag and dead letters (phonebill_outbox_*, issue 21).
void summarise_service_metrics(const std::string& service, const std::vector<MetricSample>& samples,
                               boost::json::array& breakers, boost::json::array& caches);

// The outbox of one service (issue 21) from its scraped phonebill_outbox_* samples (pure;
// tested): appends {service, pendingEvents, deadLetters, lagSeconds, delivered,
// failedAttempts} to `outbox` when there are any. The gauges describe the shared table,
// so across instances the largest wins; the counters are summed.
void summarise_outbox(const std::string& service, const std::vector<MetricSample>& samples,
                      boost::json::array& outbox);

struct OpsStatusParts {
  const Clock& clock;
  TrafficStats& traffic;
  std::vector<Upstream*> upstreams;
  const security::TokenVerifier* verifier;  // may be null (tests)
  std::vector<const RateLimiter*> limiters;
};

class OpsStatus {
 public:
  explicit OpsStatus(OpsStatusParts parts);

  boost::asio::awaitable<http::Response> answer(const http::Request& request);

 private:
  boost::asio::awaitable<void> scrape_services();
  boost::json::object gateway_part() const;

  OpsStatusParts parts_;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point scraped_at_{};
  boost::json::array breakers_;  // scraped, guarded by mutex_
  boost::json::array caches_;
  boost::json::array outbox_;
  BreakerHistory history_;
};

}  // namespace phonebill::gateway
