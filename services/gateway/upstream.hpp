// One upstream service behind the gateway (SPEC §4): its instances, each with a
// keep-alive HttpClient pool, a health state from active /readyz checks, passive
// ejection after consecutive failed requests (re-admitted after the ejection time, or at
// once when a health check sees it come back), and the service's circuit breaker.
// Instance choice: fewest requests in flight among the usable ones, round robin among
// equals; when none is usable every instance is tried (panic mode: health checks can
// be wrong, the breaker still protects). Thread-safe. Entry points: Upstream::pick,
// report_result, report_health.
#pragma once
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/light_mutex.hpp"
#include "http/client.hpp"
#include "resilience/circuit_breaker.hpp"
#include "upstream_settings.hpp"

namespace boost::asio {
class io_context;
}

namespace phonebill::gateway {

struct InstanceSnapshot {
  std::string label;  // host:port
  bool healthy = true;
  bool ejected = false;
  int in_flight = 0;
  std::uint64_t requests = 0;
  std::uint64_t failures = 0;
};

class UpstreamInstance {
 public:
  UpstreamInstance(boost::asio::io_context& io, InstanceAddress address, std::size_t pool_size);

  const InstanceAddress& address() const { return address_; }
  const std::string& label() const { return label_; }
  http::HttpClient& client() { return client_; }

  // Counts a request in flight for the lifetime of the guard.
  class InFlight {
   public:
    explicit InFlight(UpstreamInstance& instance) : instance_(instance) { ++instance_.in_flight_; }
    ~InFlight() { --instance_.in_flight_; }
    InFlight(const InFlight&) = delete;
    InFlight& operator=(const InFlight&) = delete;

   private:
    UpstreamInstance& instance_;
  };

 private:
  friend class Upstream;
  InstanceAddress address_;
  std::string label_;
  http::HttpClient client_;
  std::atomic<int> in_flight_{0};
  // Guarded by the Upstream's mutex.
  bool healthy_ = true;
  int failed_checks_ = 0;
  int consecutive_failures_ = 0;
  SteadyTime ejected_until_{};  // steady: an NTP step must not stretch an ejection
  std::uint64_t requests_ = 0;
  std::uint64_t failures_ = 0;
};

class Upstream {
 public:
  // `clock` must outlive the upstream; the listener gets the breaker's transitions.
  Upstream(boost::asio::io_context& io, const UpstreamSettings& settings,
           const HealthSettings& health, const resilience::CircuitBreakerOptions& breaker,
           const Clock& clock, resilience::BreakerListener listener = {});
  Upstream(const Upstream&) = delete;
  Upstream& operator=(const Upstream&) = delete;

  // The instance for the next attempt, never `exclude` (the one that just failed) unless
  // it is the only one; nullptr only when there is no other instance.
  UpstreamInstance* pick(const UpstreamInstance* exclude = nullptr);

  // Outcome of one attempt on `instance`: a failure is a request that got no HTTP answer
  // (connect failure, reset, timeout); `threshold` consecutive ones eject it.
  void report_result(UpstreamInstance& instance, bool failed);
  // Outcome of one active /readyz check.
  void report_health(UpstreamInstance& instance, bool ready);

  const std::string& name() const { return name_; }
  std::chrono::milliseconds timeout() const { return timeout_; }
  resilience::CircuitBreaker& breaker() { return breaker_; }
  std::vector<std::unique_ptr<UpstreamInstance>>& instances() { return instances_; }
  std::vector<InstanceSnapshot> snapshot() const;
  // Instances that are healthy and not ejected now.
  int usable_instances() const;

 private:
  bool usable(const UpstreamInstance& instance, SteadyTime now) const;

  const std::string name_;
  const std::chrono::milliseconds timeout_;
  const HealthSettings health_;
  const Clock& clock_;
  std::vector<std::unique_ptr<UpstreamInstance>> instances_;
  resilience::CircuitBreaker breaker_;
  mutable LightMutex mutex_;
  std::size_t cursor_ = 0;
};

}  // namespace phonebill::gateway
