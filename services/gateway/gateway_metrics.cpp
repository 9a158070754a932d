// The gateway's own Prometheus families (upstream requests, retries, rejections, breakers).
#include "gateway_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <array>

#include <sstream>

#include "security/token_verifier.hpp"
#include "upstream.hpp"

namespace phonebill::gateway {

struct GatewayMetrics::UpstreamSeries {
  // [instance index][outcome]
  std::vector<std::array<prometheus::Counter*, 4>> attempts;
  std::vector<prometheus::Gauge*> instance_up;
  prometheus::Counter* retries = nullptr;
  prometheus::Histogram* duration = nullptr;
  prometheus::Gauge* breaker_state = nullptr;
};

namespace {
const prometheus::Histogram::BucketBoundaries kBuckets{
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
constexpr const char* kOutcomes[] = {"response", "connect_failed", "transport", "timeout"};
}  // namespace

GatewayMetrics::GatewayMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      attempts_(prometheus::BuildCounter()
                    .Name("gateway_upstream_requests_total")
                    .Help("Attempts sent to upstream instances, by outcome")
                    .Register(*registry_)),
      retries_(prometheus::BuildCounter()
                   .Name("gateway_upstream_retries_total")
                   .Help("Requests retried on another instance")
                   .Register(*registry_)),
      rejected_(prometheus::BuildCounter()
                    .Name("gateway_upstream_rejected_total")
                    .Help("Requests answered 503 without trying an upstream")
                    .Register(*registry_)),
      durations_(prometheus::BuildHistogram()
                     .Name("gateway_upstream_duration_seconds")
                     .Help("Time of one upstream attempt")
                     .Register(*registry_)),
      instance_up_(prometheus::BuildGauge()
                       .Name("gateway_upstream_instance_up")
                       .Help("1 when the instance is healthy and not ejected")
                       .Register(*registry_)),
      breaker_state_(prometheus::BuildGauge()
                         .Name("gateway_circuit_breaker_state")
                         .Help("Upstream circuit breaker: 0 closed, 1 open, 2 half-open")
                         .Register(*registry_)),
      transitions_(prometheus::BuildCounter()
                       .Name("gateway_circuit_breaker_transitions_total")
                       .Help("Upstream circuit breaker transitions, by new state")
                       .Register(*registry_)),
      auth_rejections_(prometheus::BuildCounter()
                           .Name("gateway_auth_rejections_total")
                           .Help("Requests refused 401/403, by reason")
                           .Register(*registry_)),
      rate_limited_(prometheus::BuildCounter()
                        .Name("gateway_rate_limited_total")
                        .Help("Requests refused 429, by limit")
                        .Register(*registry_)),
      verifications_(prometheus::BuildGauge()
                         .Name("gateway_token_verifications")
                         .Help("Token verifier counters since start")
                         .Register(*registry_)) {}

GatewayMetrics::~GatewayMetrics() = default;

std::string GatewayMetrics::render() const {
  std::ostringstream out;
  prometheus::TextSerializer{}.Serialize(out, registry_->Collect());
  return out.str();
}

void GatewayMetrics::add_upstreams(const std::vector<Upstream*>& upstreams) {
  for (auto* upstream : upstreams) {
    auto series = std::make_unique<UpstreamSeries>();
    for (const auto& instance : upstream->instances()) {
      std::array<prometheus::Counter*, 4> counters{};
      for (int outcome = 0; outcome < 4; ++outcome)
        counters[outcome] = &attempts_.Add({{"upstream", upstream->name()},
                                            {"instance", instance->label()},
                                            {"outcome", kOutcomes[outcome]}});
      series->attempts.push_back(counters);
      series->instance_up.push_back(
          &instance_up_.Add({{"upstream", upstream->name()}, {"instance", instance->label()}}));
    }
    series->retries = &retries_.Add({{"upstream", upstream->name()}});
    series->duration = &durations_.Add({{"upstream", upstream->name()}}, kBuckets);
    series->breaker_state = &breaker_state_.Add({{"upstream", upstream->name()}});
    upstreams_.emplace(upstream, std::move(series));
  }
}

GatewayMetrics::UpstreamSeries& GatewayMetrics::series(const Upstream& upstream) {
  return *upstreams_.at(&upstream);
}

void GatewayMetrics::record_attempt(const Upstream& upstream, const UpstreamInstance& instance,
                                    AttemptOutcome outcome, double seconds) {
  auto& found = series(upstream);
  auto& instances = const_cast<Upstream&>(upstream).instances();
  for (std::size_t i = 0; i < instances.size(); ++i) {
    if (instances[i].get() == &instance) {
      found.attempts[i][int(outcome)]->Increment();
      break;
    }
  }
  found.duration->Observe(seconds);
}

void GatewayMetrics::record_retry(const Upstream& upstream) {
  series(upstream).retries->Increment();
}

void GatewayMetrics::record_rejected(const Upstream& upstream, std::string_view reason) {
  rejected_.Add({{"upstream", upstream.name()}, {"reason", std::string{reason}}}).Increment();
}

void GatewayMetrics::record_transition(std::string_view upstream, resilience::BreakerState to) {
  transitions_
      .Add({{"upstream", std::string{upstream}}, {"to", std::string{resilience::to_string(to)}}})
      .Increment();
}

void GatewayMetrics::record_auth_rejection(std::string_view reason) {
  auth_rejections_.Add({{"reason", std::string{reason}}}).Increment();
}

void GatewayMetrics::record_rate_limited(std::string_view limit) {
  rate_limited_.Add({{"limit", std::string{limit}}}).Increment();
}

void GatewayMetrics::refresh(const std::vector<Upstream*>& upstreams,
                             const security::TokenVerifier* verifier) {
  for (auto* upstream : upstreams) {
    auto& found = series(*upstream);
    auto snapshot = upstream->snapshot();
    for (std::size_t i = 0; i < snapshot.size() && i < found.instance_up.size(); ++i)
      found.instance_up[i]->Set(snapshot[i].healthy && !snapshot[i].ejected ? 1 : 0);
    found.breaker_state->Set(resilience::gauge_value(upstream->breaker().state()));
  }
  if (verifier != nullptr) {
    auto counters = verifier->counters();
    verifications_.Add({{"kind", "accepted"}}).Set(double(counters.accepted));
    verifications_.Add({{"kind", "rejected"}}).Set(double(counters.rejected));
    verifications_.Add({{"kind", "cache_hits"}}).Set(double(counters.cache_hits));
    verifications_.Add({{"kind", "signature_checks"}}).Set(double(counters.signature_checks));
  }
}

}  // namespace phonebill::gateway
