// Twelve-factor configuration: every setting comes from an environment variable
// (documented in docs/configuration.md). Environment is injectable so tests can
// build configs from a map instead of mutating the process environment.
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

namespace phonebill {

// Thrown at start-up for a malformed setting; main() reports it and exits non-zero.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Environment {
 public:
  // Reads the real process environment.
  static Environment from_process();
  // A fixed set of variables (tests).
  static Environment from_map(std::map<std::string, std::string> values);

  std::optional<std::string> get(const std::string& name) const;

  std::string string(const std::string& name, const std::string& fallback) const;
  std::string required_string(const std::string& name) const;
  std::int64_t integer(const std::string& name, std::int64_t fallback, std::int64_t min = INT64_MIN,
                       std::int64_t max = INT64_MAX) const;
  double real(const std::string& name, double fallback, double min, double max) const;
  bool boolean(const std::string& name, bool fallback) const;
  // A duration in whole milliseconds, within [min, max] (ConfigError otherwise).
  std::chrono::milliseconds milliseconds(
      const std::string& name, std::chrono::milliseconds fallback,
      std::chrono::milliseconds min = std::chrono::milliseconds{0},
      std::chrono::milliseconds max = std::chrono::milliseconds::max()) const;

 private:
  bool from_process_ = false;
  std::map<std::string, std::string> values_;
};

}  // namespace phonebill
