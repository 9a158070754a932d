// Fault settings: endpoint names, the /admin/faults JSON body and the per-request
// decision (fault_settings.hpp).
#include "fault_settings.hpp"

#include <cmath>
#include <string>
#include <utility>

#include "core/json.hpp"

namespace phonebill::kos_sim {
namespace {

constexpr std::pair<Endpoint, std::string_view> kEndpointNames[] = {
    {Endpoint::kBillInquiry, "bill.inquiry"},       {Endpoint::kBillMonths, "bill.months"},
    {Endpoint::kProductInquiry, "product.inquiry"}, {Endpoint::kProductList, "product.list"},
    {Endpoint::kProductChange, "product.change"},   {Endpoint::kProductOrder, "product.order"},
};

constexpr std::string_view kEndpointList =
    "bill.inquiry, bill.months, product.inquiry, product.list, product.change, product.order";

// Reads the rule fields of `object` over `base` (fields absent keep base's values),
// reporting problems as "<prefix><field>".
FaultRule read_rule(const boost::json::object& object, const FaultRule& base,
                    const std::string& prefix, FieldErrors& errors) {
  FieldErrors scratch;
  JsonReader reader{object, scratch};
  FaultRule rule = base;
  auto check_latency = [&](std::string_view field, std::int64_t& target) {
    if (auto value = reader.integer(field, Presence::kOptional)) {
      if (*value < 0 || *value > kMaxLatencyMs) {
        scratch.add(std::string{field}, "must be between 0 and " + std::to_string(kMaxLatencyMs));
      } else {
        target = *value;
      }
    }
  };
  auto check_rate = [&](std::string_view field, double& target) {
    if (auto value = reader.number(field, Presence::kOptional)) {
      if (!(*value >= 0.0 && *value <= 1.0)) {
        scratch.add(std::string{field}, "must be between 0 and 1");
      } else {
        target = *value;
      }
    }
  };
  check_latency("latencyMs", rule.latency_ms);
  check_latency("jitterMs", rule.jitter_ms);
  check_rate("errorRate", rule.error_rate);
  check_rate("timeoutRate", rule.timeout_rate);
  if (auto outage = reader.boolean("outage", Presence::kOptional)) rule.outage = *outage;
  if (auto applies = reader.boolean("timeoutApplies", Presence::kOptional))
    rule.timeout_applies = *applies;
  for (const auto& error : scratch.list()) errors.add(prefix + error.field, error.reason);
  return rule;
}

boost::json::object rule_to_json(const FaultRule& rule) {
  return {{"latencyMs", rule.latency_ms}, {"jitterMs", rule.jitter_ms},
          {"errorRate", rule.error_rate}, {"timeoutRate", rule.timeout_rate},
          {"outage", rule.outage},        {"timeoutApplies", rule.timeout_applies}};
}

}  // namespace

std::string_view endpoint_name(Endpoint endpoint) {
  for (const auto& [entry, name] : kEndpointNames)
    if (entry == endpoint) return name;
  return {};
}

std::optional<Endpoint> parse_endpoint(std::string_view name) {
  for (const auto& [entry, entry_name] : kEndpointNames)
    if (entry_name == name) return entry;
  return std::nullopt;
}

const FaultRule& FaultSettings::rule_for(Endpoint endpoint) const {
  auto found = endpoints.find(endpoint);
  return found == endpoints.end() ? global : found->second;
}

FaultPlan FaultSettings::decide(Endpoint endpoint, Random& random) const {
  const FaultRule& rule = rule_for(endpoint);
  double jitter_draw = random.uniform01();
  double timeout_draw = random.uniform01();
  double error_draw = random.uniform01();

  FaultPlan plan;
  plan.timeout_applies = rule.timeout_applies;
  auto jitter = std::llround((2.0 * jitter_draw - 1.0) * double(rule.jitter_ms));
  auto delay = rule.latency_ms + jitter;
  plan.delay = std::chrono::milliseconds{delay < 0 ? 0 : delay};
  if (rule.outage) {
    plan.outage = true;
  } else if (timeout_draw < rule.timeout_rate) {
    plan.never_answer = true;
  } else if (error_draw < rule.error_rate) {
    plan.system_error = true;
  }
  return plan;
}

std::optional<FaultSettings> parse_fault_settings(const boost::json::value& body,
                                                  FieldErrors& errors) {
  auto error_count = errors.list().size();
  if (!body.is_object()) {
    errors.add("body", "must be an object");
    return std::nullopt;
  }
  const auto& object = body.get_object();
  FaultSettings settings;
  settings.global = read_rule(object, FaultRule{}, "", errors);

  if (auto* endpoints = object.if_contains("endpoints"); endpoints && !endpoints->is_null()) {
    if (!endpoints->is_object()) {
      errors.add("endpoints", "must be an object");
    } else {
      for (const auto& [key, value] : endpoints->get_object()) {
        std::string path = "endpoints." + std::string{key.data(), key.size()};
        auto endpoint = parse_endpoint(std::string_view{key.data(), key.size()});
        if (!endpoint) {
          errors.add(path, "unknown endpoint; expected one of " + std::string{kEndpointList});
        } else if (!value.is_object()) {
          errors.add(path, "must be an object");
        } else {
          settings.endpoints[*endpoint] =
              read_rule(value.get_object(), settings.global, path + ".", errors);
        }
      }
    }
  }
  if (errors.list().size() != error_count) return std::nullopt;
  return settings;
}

boost::json::object to_json(const FaultSettings& settings) {
  auto json = rule_to_json(settings.global);
  boost::json::object endpoints;
  for (const auto& [endpoint, rule] : settings.endpoints)
    endpoints[endpoint_name(endpoint)] = rule_to_json(rule);
  json["endpoints"] = std::move(endpoints);
  return json;
}

}  // namespace phonebill::kos_sim
