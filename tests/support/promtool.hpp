// `promtool check metrics` (Debian `prometheus`) over a /metrics body, for the tests that
// hold every service's exposition to Prometheus conventions (SPEC §13). Entry point:
// promtool_check_metrics.
#pragma once
#include <string>

namespace phonebill::test_support {

struct PromtoolVerdict {
  bool available = false;  // false: promtool is not installed (the caller skips)
  int exit_code = 0;       // 0 clean; 3 lint problems; 1 unparsable
  std::string output;      // promtool's complaints, one a line ("" when clean)
};

PromtoolVerdict promtool_check_metrics(const std::string& exposition);

}  // namespace phonebill::test_support
