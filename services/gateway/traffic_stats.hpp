// Live per-route traffic for GET /api/v1/ops/status (SPEC §4): over the last minute,
// requests per second, 4xx and 5xx shares and latency percentiles. One-second slots in a
// ring, a fixed log-scale latency histogram per slot: recording is a few increments
// under one mutex, a snapshot sums at most 60 slots. Each route also keeps its slowest
// requests of the window (slow_requests.hpp) with their request and trace ids, so a p99
// spike leads to the requests behind it. Time from an injected Clock.
// Entry points: TrafficStats::record, TrafficStats::snapshot.
#pragma once
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/light_mutex.hpp"
#include "slow_requests.hpp"

namespace phonebill::gateway {

struct RouteTraffic {
  std::string route;
  std::uint64_t requests = 0;
  double requests_per_second = 0;
  double client_error_rate = 0;  // share of 4xx
  double error_rate = 0;         // share of 5xx
  double p50_ms = 0, p95_ms = 0, p99_ms = 0;
  std::vector<SlowRequest> slowest;  // slowest first (none for the "*" line)
};

class TrafficStats {
 public:
  static constexpr int kWindowSeconds = 60;
  static constexpr std::array<double, 15> kBucketBoundsMs{
      0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000};

  TrafficStats(const Clock& clock, std::vector<std::string> route_names);

  // One answered request of route `route_index` (index into route_names); its ids are
  // kept if it is among the route's slowest of the window.
  void record(std::size_t route_index, int status, double seconds, std::string_view request_id = {},
              std::string_view trace_id = {});

  // Each route with traffic in the window, then a "*" line for all of them together.
  std::vector<RouteTraffic> snapshot() const;
  static boost::json::object to_json(const RouteTraffic& traffic);

 private:
  struct Slot {
    std::int64_t second = -1;
    std::uint32_t count = 0;
    std::uint32_t client_errors = 0;
    std::uint32_t errors = 0;
    std::array<std::uint32_t, kBucketBoundsMs.size() + 1> latency{};
  };
  struct RouteSlots {
    std::array<Slot, kWindowSeconds> slots;
  };
  static RouteTraffic summarise(const std::string& name, const std::vector<const Slot*>& slots);

  const Clock& clock_;
  std::vector<std::string> names_;
  mutable LightMutex mutex_;
  std::vector<RouteSlots> routes_;
  SlowRequests slow_;  // guarded by mutex_
};

}  // namespace phonebill::gateway
