// The stand-in's fault injection (like kos-sim's, SPEC §8, but for a webhook receiver):
// a latency before every answer, a share of requests answered 500, and an outage (every
// request 503) — so the relay's retries, backoff and dead letters can be shown.
// parse_faults / to_json are the PUT / GET /admin/faults bodies. Entry point: Faults.
#pragma once
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <mutex>
#include <optional>

#include "core/validation.hpp"

namespace phonebill::mvno_ap {

struct FaultSettings {
  std::int64_t latency_ms = 0;  // 0…600000
  double error_rate = 0.0;      // 0…1: answered 500
  bool outage = false;          // every request answered 503
  bool operator==(const FaultSettings&) const = default;
};

// Missing fields keep their defaults; wrong types and ranges land in `errors`.
std::optional<FaultSettings> parse_faults(const boost::json::object& body, FieldErrors& errors);
boost::json::object to_json(const FaultSettings& settings);

class Faults {
 public:
  explicit Faults(FaultSettings initial) : initial_(initial), current_(initial) {}
  FaultSettings current() const {
    std::lock_guard lock{mutex_};
    return current_;
  }
  void replace(FaultSettings settings) {
    std::lock_guard lock{mutex_};
    current_ = settings;
  }
  void reset() { replace(initial_); }

 private:
  const FaultSettings initial_;
  mutable std::mutex mutex_;
  FaultSettings current_;
};

}  // namespace phonebill::mvno_ap
