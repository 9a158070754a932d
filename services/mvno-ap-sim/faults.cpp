// The stand-in's fault settings as JSON (see faults.hpp).
#include "faults.hpp"

#include "core/json.hpp"

namespace phonebill::mvno_ap {

std::optional<FaultSettings> parse_faults(const boost::json::object& body, FieldErrors& errors) {
  FaultSettings settings;
  JsonReader reader{body, errors};
  if (auto latency = reader.integer("latencyMs", Presence::kOptional)) {
    if (*latency < 0 || *latency > 600'000)
      errors.add("latencyMs", "must be 0-600000");
    else
      settings.latency_ms = *latency;
  }
  if (auto rate = reader.number("errorRate", Presence::kOptional)) {
    if (*rate < 0.0 || *rate > 1.0)
      errors.add("errorRate", "must be 0-1");
    else
      settings.error_rate = *rate;
  }
  if (auto outage = reader.boolean("outage", Presence::kOptional)) settings.outage = *outage;
  if (!errors.empty()) return std::nullopt;
  return settings;
}

boost::json::object to_json(const FaultSettings& settings) {
  return {{"latencyMs", settings.latency_ms},
          {"errorRate", settings.error_rate},
          {"outage", settings.outage}};
}

}  // namespace phonebill::mvno_ap
