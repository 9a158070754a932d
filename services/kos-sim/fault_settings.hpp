// kos-sim's fault injection (SPEC §8) as plain values: FaultSettings holds the global
// rule and per-endpoint overrides, parse_fault_settings / to_json are the
// PUT / GET /admin/faults bodies, and FaultSettings::decide turns a rule and a Random
// into one request's FaultPlan. No I/O here: the handlers carry the plan out.
#pragma once
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string_view>

#include "core/random.hpp"
#include "core/validation.hpp"

namespace phonebill::kos_sim {

// The six KOS operations, named as in the faults body.
enum class Endpoint {
  kBillInquiry,     // bill.inquiry     POST /api/v1/kos/bill/inquiry
  kBillMonths,      // bill.months      GET  /api/v1/kos/bill/available-months/{lineNumber}
  kProductInquiry,  // product.inquiry  POST /api/v1/kos/product/inquiry
  kProductList,     // product.list     GET  /api/v1/kos/product/list
  kProductChange,   // product.change   POST /api/v1/kos/product/change
  kProductOrder,    // product.order    GET  /api/v1/kos/product/change/{requestId}
};

inline constexpr Endpoint kAllEndpoints[] = {
    Endpoint::kBillInquiry, Endpoint::kBillMonths,    Endpoint::kProductInquiry,
    Endpoint::kProductList, Endpoint::kProductChange, Endpoint::kProductOrder,
};

std::string_view endpoint_name(Endpoint endpoint);
std::optional<Endpoint> parse_endpoint(std::string_view name);

// Upper bound of latencyMs and jitterMs (ten minutes).
inline constexpr std::int64_t kMaxLatencyMs = 600'000;

// One set of faults. Defaults are SPEC §8's: every answer takes 100 ms ± 50 ms, no errors.
struct FaultRule {
  std::int64_t latency_ms = 100;
  std::int64_t jitter_ms = 50;
  double error_rate = 0.0;    // share of requests answered 9999
  double timeout_rate = 0.0;  // share of requests never answered
  bool outage = false;        // every request answered HTTP 503
  // What a timed-out request did before going silent. Only product.change writes, so
  // only it is affected: true (the default) applies the change and loses the answer;
  // false never applies it (the request died before KOS processed it). Both happen to
  // a real legacy system, and the caller cannot tell them apart (docs/kos-sim.md).
  bool timeout_applies = true;

  // No latency and no faults (what tests usually want).
  static FaultRule instant() { return FaultRule{0, 0, 0.0, 0.0, false}; }
  bool operator==(const FaultRule&) const = default;
};

// What to do with one request, decided before it is handled.
struct FaultPlan {
  std::chrono::milliseconds delay{0};  // wait this long before answering
  bool outage = false;                 // answer HTTP 503 (no KOS envelope)
  bool never_answer = false;           // keep the request open without answering
  bool system_error = false;           // answer resultCode 9999 without handling it
  bool timeout_applies = true;         // with never_answer: a change is applied first
  bool operator==(const FaultPlan&) const = default;
};

struct FaultSettings {
  FaultRule global;
  // An endpoint's own rule replaces the global one for it, entirely.
  std::map<Endpoint, FaultRule> endpoints;

  const FaultRule& rule_for(Endpoint endpoint) const;

  // The plan for one request to `endpoint`. Takes exactly three draws from random, in
  // this order: jitter (delay = latency + (2u - 1) * jitter, rounded, never negative),
  // timeout (u < timeoutRate), error (u < errorRate). Outage wins over timeout, which
  // wins over error; the delay applies to every plan.
  FaultPlan decide(Endpoint endpoint, Random& random) const;

  bool operator==(const FaultSettings&) const = default;
};

// Parses a PUT /admin/faults body. Every field is optional: a missing global field takes
// its SPEC default, and a missing field inside "endpoints.<name>" takes the global
// value of the same body. latencyMs and jitterMs must be integers 0…600000, the rates
// numbers 0…1, outage and timeoutApplies booleans; an unknown endpoint name is an error under
// "endpoints.<name>". Unknown other fields are ignored (SPEC §2).
std::optional<FaultSettings> parse_fault_settings(const boost::json::value& body,
                                                  FieldErrors& errors);

// The GET /admin/faults body: the global fields and "endpoints" with each override in
// full. parse_fault_settings(to_json(s)) == s.
boost::json::object to_json(const FaultSettings& settings);

}  // namespace phonebill::kos_sim
