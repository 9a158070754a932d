// A reader for the Prometheus text exposition format, enough for ops/status to pick the
// services' circuit-breaker and cache series out of their /metrics: one sample per
// line, `name{label="value",...} number`, comments and malformed lines skipped. Pure.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace phonebill::gateway {

struct MetricSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// The samples of `text` whose name ends with one of `suffixes` (all when empty).
std::vector<MetricSample> parse_prometheus_text(std::string_view text,
                                                const std::vector<std::string>& suffixes = {});

}  // namespace phonebill::gateway
