// GET /api/v1/ops/status: the gateway's traffic plus what it scrapes from the services.
#include "ops_status.hpp"

#include <algorithm>
#include <map>

#include "core/seoul_time.hpp"
#include "security/token_verifier.hpp"

namespace phonebill::gateway {
namespace {

constexpr std::chrono::milliseconds kScrapeTimeout{500};
constexpr std::chrono::milliseconds kScrapeInterval{2'000};

// http/breaker_metrics.hpp: the family every service exports its breakers in.
constexpr std::string_view kBreakerState = "phonebill_circuit_breaker_state";
constexpr std::string_view kBreakerTransitions = "phonebill_circuit_breaker_transitions_total";

}  // namespace

void summarise_service_metrics(const std::string& service, const std::vector<MetricSample>& samples,
                               boost::json::array& breakers, boost::json::array& caches) {
  // Across instances the most alarming state wins: open, then half-open, then closed.
  auto severity = [](const std::string& state) {
    return state == "open" ? 2 : state == "half_open" ? 1 : 0;
  };
  std::map<std::string, std::string> worst_state;  // per breaker name, across instances
  std::map<std::string, std::pair<double, double>> cache_counts;  // hits, misses
  std::map<std::string, std::map<std::string, double>>
      transition_counts;  // per breaker, by new state
  auto label = [](const MetricSample& sample, const char* key) {
    auto found = sample.labels.find(key);
    return found == sample.labels.end() ? std::string{} : found->second;
  };
  for (const auto& sample : samples) {
    if (sample.name == kBreakerTransitions) {
      auto to = label(sample, "to");
      if (!to.empty()) transition_counts[label(sample, "breaker")][to] += sample.value;
    } else if (sample.name == kBreakerState) {
      // One series per state; the one at 1 is the breaker's state.
      auto& state = worst_state[label(sample, "breaker")];
      if (state.empty()) state = "closed";
      if (sample.value == 1 && severity(label(sample, "state")) > severity(state))
        state = label(sample, "state");
    } else if (sample.name.ends_with("cache_requests_total") ||
               sample.name.ends_with("cache_lookups_total")) {
      // The cache's name: its label, else the metric's prefix ("bill" of bill_cache_...).
      std::string cache = sample.labels.count("cache")
                              ? sample.labels.at("cache")
                              : sample.name.substr(0, sample.name.find("_cache"));
      auto result = label(sample, "result");
      // Only a fresh hit is a hit; stale copies, misses and errors all went past the cache.
      if (result == "hit")
        cache_counts[cache].first += sample.value;
      else if (!result.empty())
        cache_counts[cache].second += sample.value;
    }
  }
  for (const auto& [name, state] : worst_state) {
    boost::json::object counts;
    for (const auto& [to, count] : transition_counts[name]) counts[to] = count;
    breakers.push_back(boost::json::object{{"service", service},
                                           {"name", name},
                                           {"state", state},
                                           {"transitionCounts", std::move(counts)}});
  }
  for (const auto& [cache, counts] : cache_counts) {
    double total = counts.first + counts.second;
    boost::json::object entry{
        {"service", service}, {"cache", cache}, {"hits", counts.first}, {"misses", counts.second}};
    entry["hitRatio"] =
        total > 0 ? boost::json::value(counts.first / total) : boost::json::value(nullptr);
    caches.push_back(std::move(entry));
  }
}

void summarise_outbox(const std::string& service, const std::vector<MetricSample>& samples,
                      boost::json::array& outbox) {
  double pending = 0, dead = 0, lag = 0, delivered = 0, failed = 0;
  bool seen = false;
  for (const auto& sample : samples) {
    if (!sample.name.starts_with("phonebill_outbox_")) continue;
    seen = true;
    if (sample.name == "phonebill_outbox_pending_events") pending = std::max(pending, sample.value);
    if (sample.name == "phonebill_outbox_dead_letters") dead = std::max(dead, sample.value);
    if (sample.name == "phonebill_outbox_lag_seconds") lag = std::max(lag, sample.value);
    if (sample.name == "phonebill_outbox_delivered_total") delivered += sample.value;
    if (sample.name == "phonebill_outbox_failed_attempts_total") failed += sample.value;
  }
  if (!seen) return;
  outbox.push_back(boost::json::object{{"service", service},
                                       {"pendingEvents", pending},
                                       {"deadLetters", dead},
                                       {"lagSeconds", lag},
                                       {"delivered", delivered},
                                       {"failedAttempts", failed}});
}

OpsStatus::OpsStatus(OpsStatusParts parts) : parts_(std::move(parts)) {}

boost::asio::awaitable<void> OpsStatus::scrape_services() {
  {
    std::lock_guard lock{mutex_};
    if (std::chrono::steady_clock::now() - scraped_at_ < kScrapeInterval) co_return;
    scraped_at_ = std::chrono::steady_clock::now();
  }
  static const std::vector<std::string> kSuffixes{std::string{kBreakerState},
                                                  std::string{kBreakerTransitions},
                                                  "cache_requests_total",
                                                  "cache_lookups_total",
                                                  "phonebill_outbox_pending_events",
                                                  "phonebill_outbox_dead_letters",
                                                  "phonebill_outbox_lag_seconds",
                                                  "phonebill_outbox_delivered_total",
                                                  "phonebill_outbox_failed_attempts_total"};
  boost::json::array breakers;
  boost::json::array caches;
  boost::json::array outbox;
  for (auto* upstream : parts_.upstreams) {
    std::vector<MetricSample> samples;
    for (auto& instance : upstream->instances()) {
      http::ClientRequest request;
      request.target = "/metrics";
      auto deadline = std::chrono::steady_clock::now() + kScrapeTimeout;
      auto result = co_await instance->client().send(std::move(request), deadline);
      if (!result.ok() || result.response->status != 200) continue;
      auto parsed = parse_prometheus_text(result.response->body, kSuffixes);
      samples.insert(samples.end(), parsed.begin(), parsed.end());
    }
    summarise_service_metrics(upstream->name(), samples, breakers, caches);
    summarise_outbox(upstream->name(), samples, outbox);
  }
  auto now = parts_.clock.now();
  for (const auto& breaker : breakers)
    history_.observe(std::string{breaker.at("service").as_string()},
                     std::string{breaker.at("name").as_string()},
                     std::string{breaker.at("state").as_string()}, now);
  std::lock_guard lock{mutex_};
  breakers_ = std::move(breakers);
  caches_ = std::move(caches);
  outbox_ = std::move(outbox);
}

boost::json::object OpsStatus::gateway_part() const {
  boost::json::array routes;
  boost::json::object totals;
  for (const auto& traffic : parts_.traffic.snapshot()) {
    if (traffic.route == "*")
      totals = TrafficStats::to_json(traffic);
    else
      routes.push_back(TrafficStats::to_json(traffic));
  }
  boost::json::array upstreams;
  boost::json::array breakers;
  for (auto* upstream : parts_.upstreams) {
    boost::json::array instances;
    for (const auto& instance : upstream->snapshot()) {
      instances.push_back(boost::json::object{{"instance", instance.label},
                                              {"healthy", instance.healthy},
                                              {"ejected", instance.ejected},
                                              {"inFlight", instance.in_flight},
                                              {"requests", instance.requests},
                                              {"failures", instance.failures}});
    }
    auto state = std::string{resilience::to_string(upstream->breaker().state())};
    upstreams.push_back(boost::json::object{{"name", upstream->name()},
                                            {"usableInstances", upstream->usable_instances()},
                                            {"breaker", state},
                                            {"instances", std::move(instances)}});
    breakers.push_back(boost::json::object{
        {"service", "gateway"}, {"name", upstream->breaker().name()}, {"state", state}});
  }
  boost::json::object result{{"windowSeconds", TrafficStats::kWindowSeconds},
                             {"totals", std::move(totals)},
                             {"routes", std::move(routes)},
                             {"upstreams", std::move(upstreams)},
                             {"gatewayBreakers", std::move(breakers)}};
  if (parts_.verifier != nullptr) {
    auto counters = parts_.verifier->counters();
    double checked = double(counters.accepted + counters.rejected);
    result["tokens"] = boost::json::object{
        {"accepted", counters.accepted},
        {"rejected", counters.rejected},
        {"cacheHits", counters.cache_hits},
        {"signatureChecks", counters.signature_checks},
        {"cacheHitRatio", checked > 0 ? boost::json::value(double(counters.cache_hits) / checked)
                                      : boost::json::value(nullptr)}};
  }
  boost::json::object limited;
  for (const auto* limiter : parts_.limiters) limited[limiter->name()] = limiter->refused();
  result["rateLimited"] = std::move(limited);
  return result;
}

boost::asio::awaitable<http::Response> OpsStatus::answer(const http::Request&) {
  co_await scrape_services();
  auto data = gateway_part();
  data["generatedAt"] = iso8601_seoul(parts_.clock.now());
  {
    std::lock_guard lock{mutex_};
    boost::json::array breakers = data["gatewayBreakers"].as_array();
    // The gateway's own breakers are read live on every call.
    for (const auto& breaker : breakers)
      history_.observe(std::string{breaker.at("service").as_string()},
                       std::string{breaker.at("name").as_string()},
                       std::string{breaker.at("state").as_string()}, parts_.clock.now());
    for (const auto& breaker : breakers_) breakers.push_back(breaker);
    for (auto& breaker : breakers) history_.annotate(breaker.as_object());
    data["circuitBreakers"] = std::move(breakers);
    data["caches"] = caches_;
    data["outbox"] = outbox_;
  }
  data.erase("gatewayBreakers");
  co_return http::success_response(data);
}

}  // namespace phonebill::gateway
