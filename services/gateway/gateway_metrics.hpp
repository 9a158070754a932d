// The gateway's own Prometheus families, listed once here (STYLE §12), kept in their own
// registry and exposed on the admin port's /metrics after the public server's per-route
// http_requests_total / http_request_duration_seconds:
//   gateway_upstream_requests_total{upstream,upstream_instance,outcome}  outcome: response,
//       connect_failed, transport, timeout
//   gateway_upstream_retries_total{upstream}
//   gateway_upstream_rejected_total{upstream,reason}  reason: breaker_open, no_instance
//   gateway_upstream_duration_seconds{upstream}       attempt time, histogram
//   gateway_upstream_instance_up{upstream,upstream_instance}  1 usable, 0 down or ejected
//       (not `instance`: Prometheus sets that label on every scraped series itself)
//   phonebill_circuit_breaker_state{breaker="upstream.<name>",state}  one series per
//       state, 1 for the current one (http/breaker_metrics.hpp: the services' KOS
//       breakers share the family)
//   phonebill_circuit_breaker_transitions_total{breaker,to}
//   gateway_auth_rejections_total{reason}             reason: TokenStatus names, forbidden
//   gateway_rate_limited_total{limit}                 limit: ip, user, login
//   gateway_token_verifications_total{result}         result: accepted, rejected (each
//       verification counted once; the verifier's counters, read at scrape time)
//   gateway_token_cache_hits_total                    verifications answered from the
//       verifier's cache (accepted or revoked without a signature check)
//   gateway_token_signature_checks_total              ECDSA verifications run
#pragma once
#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "http/breaker_metrics.hpp"
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
  // `breaker`: the breaker's name ("upstream.bill-inquiry").
  void record_transition(std::string_view breaker, resilience::BreakerState to);
  void record_auth_rejection(std::string_view reason);
  void record_rate_limited(std::string_view limit);

  // Copies point-in-time values (instance health, breaker states) into their gauges and
  // notes the verifier whose counters render() reads; the admin /metrics handler calls
  // it before rendering.
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
  http::BreakerMetrics breakers_;
  prometheus::Family<prometheus::Counter>& auth_rejections_;
  prometheus::Family<prometheus::Counter>& rate_limited_;
  std::atomic<const security::TokenVerifier*> verifier_{nullptr};
  std::map<const Upstream*, std::unique_ptr<UpstreamSeries>> upstreams_;
};

}  // namespace phonebill::gateway
