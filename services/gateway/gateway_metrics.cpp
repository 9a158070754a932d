// The gateway's own Prometheus families (upstream requests, retries, rejections, breakers).
#include "gateway_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <array>

#include <sstream>

#include "http/scraped_family_render.hpp"
#include "security/token_verifier.hpp"
#include "upstream.hpp"

namespace phonebill::gateway {

struct GatewayMetrics::UpstreamSeries {
  // [instance index][outcome]
  std::vector<std::array<prometheus::Counter*, 4>> attempts;
  std::vector<prometheus::Gauge*> instance_up;
  prometheus::Counter* retries = nullptr;
  prometheus::Histogram* duration = nullptr;
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
      breakers_(*registry_),
      auth_rejections_(prometheus::BuildCounter()
                           .Name("gateway_auth_rejections_total")
                           .Help("Requests refused 401/403, by reason")
                           .Register(*registry_)),
      rate_limited_(prometheus::BuildCounter()
                        .Name("gateway_rate_limited_total")
                        .Help("Requests refused 429, by limit")
                        .Register(*registry_)) {}

GatewayMetrics::~GatewayMetrics() = default;

std::string GatewayMetrics::render() const {
  auto families = registry_->Collect();
  if (const auto* verifier = verifier_.load()) {
    auto counters = verifier->counters();
    auto one = [](double value) {
      return [value] { return std::vector<http::ScrapedSample>{{{}, value}}; };
    };
    families.push_back(http::to_family(
        {"gateway_token_verifications_total", "Token verifications since start, by result",
         http::ScrapedKind::kCounter, [counters] {
           return std::vector<http::ScrapedSample>{
               {{{"result", "accepted"}}, double(counters.accepted)},
               {{{"result", "rejected"}}, double(counters.rejected)}};
         }}));
    families.push_back(http::to_family(
        {"gateway_token_cache_hits_total", "Token verifications answered from the verifier's cache",
         http::ScrapedKind::kCounter, one(double(counters.cache_hits))}));
    families.push_back(http::to_family(
        {"gateway_token_signature_checks_total", "Token signature (ECDSA) verifications run",
         http::ScrapedKind::kCounter, one(double(counters.signature_checks))}));
  }
  std::ostringstream out;
  prometheus::TextSerializer{}.Serialize(out, families);
  return out.str();
}

void GatewayMetrics::add_upstreams(const std::vector<Upstream*>& upstreams) {
  for (auto* upstream : upstreams) {
    auto series = std::make_unique<UpstreamSeries>();
    for (const auto& instance : upstream->instances()) {
      std::array<prometheus::Counter*, 4> counters{};
      for (int outcome = 0; outcome < 4; ++outcome)
        counters[outcome] = &attempts_.Add({{"upstream", upstream->name()},
                                            {"upstream_instance", instance->label()},
                                            {"outcome", kOutcomes[outcome]}});
      series->attempts.push_back(counters);
      series->instance_up.push_back(&instance_up_.Add(
          {{"upstream", upstream->name()}, {"upstream_instance", instance->label()}}));
    }
    series->retries = &retries_.Add({{"upstream", upstream->name()}});
    series->duration = &durations_.Add({{"upstream", upstream->name()}}, kBuckets);
    breakers_.set_state(upstream->breaker().name(),
                        resilience::to_string(upstream->breaker().state()));
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

void GatewayMetrics::record_transition(std::string_view breaker, resilience::BreakerState to) {
  breakers_.set_state(std::string{breaker}, resilience::to_string(to));
  breakers_.count_transition(std::string{breaker}, resilience::to_string(to));
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
    breakers_.set_state(upstream->breaker().name(),
                        resilience::to_string(upstream->breaker().state()));
  }
  verifier_.store(verifier);
}

}  // namespace phonebill::gateway
