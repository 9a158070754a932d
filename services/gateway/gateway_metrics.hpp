// The gateway's own Prometheus families, listed once here (STYLE §12), kept in their own
// registry and exposed on the admin port's /metrics after the public server's per-route
// http_requests_total / http_request_duration_seconds:
//   gateway_upstream_requests_total{upstream,instance,outcome}  outcome: response,
//       connect_failed, transport, timeout
//   gateway_upstream_retries_total{upstream}
//   gateway_upstream_rejected_total{upstream,reason}  reason: breaker_open, no_instance
//   gateway_upstream_duration_seconds{upstream}       attempt time, histogram
//   gateway_upstream_instance_up{upstream,instance}   1 usable, 0 down or ejected
//   gateway_circuit_breaker_state{upstream}           0 closed, 1 open, 2 half-open
//   gateway_circuit_breaker_transitions_total{upstream,to}
//   gateway_auth_rejections_total{reason}             reason: TokenStatus names, forbidden
//   gateway_rate_limited_total{limit}                 limit: ip, user, login
//   gateway_token_verifications{kind}                 verifier counters: accepted,
//       rejected, cache_hits, signature_checks (gauges copied at scrape time)
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "resilience/circuit_breaker.hpp"

namespace prometheus {
class Registry;
class Counter;
class Gauge;
class Histogram;
template <typename T>
class Family;
}  // namespace prometheus

namespace phonebill::security {
class TokenVerifier;
}

namespace phonebill::gateway {

class Upstream;
class UpstreamInstance;

enum class AttemptOutcome { kResponse, kConnectFailed, kTransport, kTimeout };

class GatewayMetrics {
 public:
  GatewayMetrics();
  ~GatewayMetrics();
  GatewayMetrics(const GatewayMetrics&) = delete;
  GatewayMetrics& operator=(const GatewayMetrics&) = delete;

  // Prometheus text of these families.
  std::string render() const;

  // Prepares the series of these upstreams (call once, before serving).
  void add_upstreams(const std::vector<Upstream*>& upstreams);

  void record_attempt(const Upstream& upstream, const UpstreamInstance& instance,
                      AttemptOutcome outcome, double seconds);
  void record_retry(const Upstream& upstream);
  void record_rejected(const Upstream& upstream, std::string_view reason);
  void record_transition(std::string_view upstream, resilience::BreakerState to);
  void record_auth_rejection(std::string_view reason);
  void record_rate_limited(std::string_view limit);

  // Copies point-in-time values (instance health, breaker states, verifier counters)
  // into their gauges; the admin /metrics handler calls it before rendering.
  void refresh(const std::vector<Upstream*>& upstreams, const security::TokenVerifier* verifier);

 private:
  struct UpstreamSeries;
  std::shared_ptr<prometheus::Registry> registry_;  // first: the families below live in it
  UpstreamSeries& series(const Upstream& upstream);

  prometheus::Family<prometheus::Counter>& attempts_;
  prometheus::Family<prometheus::Counter>& retries_;
  prometheus::Family<prometheus::Counter>& rejected_;
  prometheus::Family<prometheus::Histogram>& durations_;
  prometheus::Family<prometheus::Gauge>& instance_up_;
  prometheus::Family<prometheus::Gauge>& breaker_state_;
  prometheus::Family<prometheus::Counter>& transitions_;
  prometheus::Family<prometheus::Counter>& auth_rejections_;
  prometheus::Family<prometheus::Counter>& rate_limited_;
  prometheus::Family<prometheus::Gauge>& verifications_;
  std::map<const Upstream*, std::unique_ptr<UpstreamSeries>> upstreams_;
};

}  // namespace phonebill::gateway
