// Per-route traffic of the last minute in one-second slots (ops/status).
#include "traffic_stats.hpp"

#include <algorithm>
#include <cmath>

#include "core/seoul_time.hpp"

namespace phonebill::gateway {
namespace {

// Slots are numbered by steady seconds: an NTP step must not empty or freeze the window.
std::int64_t steady_second(SteadyTime time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

// The upper bound of the bucket holding the rank-th fastest request (ms); the last,
// open bucket reports its lower bound.
double percentile(
    const std::array<std::uint64_t, TrafficStats::kBucketBoundsMs.size() + 1>& buckets,
    std::uint64_t total, double quantile) {
  if (total == 0) return 0;
  auto rank = std::uint64_t(std::ceil(quantile * double(total)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    seen += buckets[i];
    if (seen >= rank) {
      return i < TrafficStats::kBucketBoundsMs.size() ? TrafficStats::kBucketBoundsMs[i]
                                                      : TrafficStats::kBucketBoundsMs.back();
    }
  }
  return TrafficStats::kBucketBoundsMs.back();
}

}  // namespace

TrafficStats::TrafficStats(const Clock& clock, std::vector<std::string> route_names)
    : clock_(clock),
      names_(std::move(route_names)),
      routes_(names_.size()),
      slow_(names_.size(), kWindowSeconds) {}

void TrafficStats::record(std::size_t route_index, int status, double seconds,
                          std::string_view request_id, std::string_view trace_id) {
  if (route_index >= routes_.size()) return;
  auto second = steady_second(clock_.steady_now());
  auto answered_at = clock_.now();
  double ms = seconds * 1000.0;
  // The first bucket whose upper bound holds `ms`; past the last bound, the open bucket.
  auto bucket = std::size_t(std::lower_bound(kBucketBoundsMs.begin(), kBucketBoundsMs.end(), ms) -
                            kBucketBoundsMs.begin());
  std::lock_guard lock{mutex_};
  auto& slot = routes_[route_index].slots[std::size_t(second % kWindowSeconds)];
  if (slot.second != second) slot = Slot{second};
  ++slot.count;
  if (status >= 400 && status < 500) ++slot.client_errors;
  if (status >= 500) ++slot.errors;
  ++slot.latency[bucket];
  if (!request_id.empty())
    slow_.offer(route_index, request_id, trace_id, status, ms, answered_at, second);
}

RouteTraffic TrafficStats::summarise(const std::string& name,
                                     const std::vector<const Slot*>& slots) {
  RouteTraffic traffic;
  traffic.route = name;
  std::uint64_t client_errors = 0, errors = 0;
  std::array<std::uint64_t, kBucketBoundsMs.size() + 1> buckets{};
  for (const auto* slot : slots) {
    traffic.requests += slot->count;
    client_errors += slot->client_errors;
    errors += slot->errors;
    for (std::size_t i = 0; i < buckets.size(); ++i) buckets[i] += slot->latency[i];
  }
  traffic.requests_per_second = double(traffic.requests) / kWindowSeconds;
  if (traffic.requests > 0) {
    traffic.client_error_rate = double(client_errors) / double(traffic.requests);
    traffic.error_rate = double(errors) / double(traffic.requests);
  }
  traffic.p50_ms = percentile(buckets, traffic.requests, 0.50);
  traffic.p95_ms = percentile(buckets, traffic.requests, 0.95);
  traffic.p99_ms = percentile(buckets, traffic.requests, 0.99);
  return traffic;
}

std::vector<RouteTraffic> TrafficStats::snapshot() const {
  auto now = steady_second(clock_.steady_now());
  std::vector<RouteTraffic> result;
  std::vector<const Slot*> all;
  std::lock_guard lock{mutex_};
  for (std::size_t route = 0; route < routes_.size(); ++route) {
    std::vector<const Slot*> live;
    for (const auto& slot : routes_[route].slots)
      if (slot.second > now - kWindowSeconds && slot.second <= now && slot.count > 0)
        live.push_back(&slot);
    if (live.empty()) continue;
    all.insert(all.end(), live.begin(), live.end());
    result.push_back(summarise(names_[route], live));
    result.back().slowest = slow_.slowest(route, now);
  }
  result.push_back(summarise("*", all));
  return result;
}

boost::json::object TrafficStats::to_json(const RouteTraffic& traffic) {
  auto round = [](double value, double scale) { return std::round(value * scale) / scale; };
  boost::json::array slowest;
  for (const auto& request : traffic.slowest)
    slowest.push_back(boost::json::object{{"requestId", request.request_id},
                                          {"traceId", request.trace_id},
                                          {"status", request.status},
                                          {"latencyMs", round(request.milliseconds, 10)},
                                          {"at", iso8601_utc_millis(request.at)}});
  boost::json::object json{{"route", traffic.route},
                           {"requests", traffic.requests},
                           {"requestsPerSecond", round(traffic.requests_per_second, 100)},
                           {"clientErrorRate", round(traffic.client_error_rate, 10000)},
                           {"errorRate", round(traffic.error_rate, 10000)},
                           {"latencyMs", boost::json::object{{"p50", traffic.p50_ms},
                                                             {"p95", traffic.p95_ms},
                                                             {"p99", traffic.p99_ms}}}};
  json["slowest"] = std::move(slowest);
  return json;
}

}  // namespace phonebill::gateway
