// Environment: typed, range-checked reads of the PHONEBILL_* variables (see config.hpp).
#include "core/config.hpp"

#include <charconv>
#include <cstdlib>

namespace phonebill {

Environment Environment::from_process() {
  Environment environment;
  environment.from_process_ = true;
  return environment;
}

Environment Environment::from_map(std::map<std::string, std::string> values) {
  Environment environment;
  environment.values_ = std::move(values);
  return environment;
}

std::optional<std::string> Environment::get(const std::string& name) const {
  if (from_process_) {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string{value};
  }
  auto found = values_.find(name);
  if (found == values_.end() || found->second.empty()) return std::nullopt;
  return found->second;
}

std::string Environment::string(const std::string& name, const std::string& fallback) const {
  return get(name).value_or(fallback);
}

std::string Environment::required_string(const std::string& name) const {
  auto value = get(name);
  if (!value) throw ConfigError{name + " must be set"};
  return *value;
}

std::int64_t Environment::integer(const std::string& name, std::int64_t fallback, std::int64_t min,
                                  std::int64_t max) const {
  auto value = get(name);
  if (!value) return fallback;
  std::int64_t parsed = 0;
  auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), parsed);
  if (error != std::errc{} || end != value->data() + value->size())
    throw ConfigError{name + " must be an integer, got '" + *value + "'"};
  if (parsed < min || parsed > max)
    throw ConfigError{name + " must be between " + std::to_string(min) + " and " +
                      std::to_string(max)};
  return parsed;
}

double Environment::real(const std::string& name, double fallback, double min, double max) const {
  auto value = get(name);
  if (!value) return fallback;
  char* end = nullptr;
  double parsed = std::strtod(value->c_str(), &end);
  if (end != value->c_str() + value->size())
    throw ConfigError{name + " must be a number, got '" + *value + "'"};
  if (parsed < min || parsed > max)
    throw ConfigError{name + " must be between " + std::to_string(min) + " and " +
                      std::to_string(max)};
  return parsed;
}

bool Environment::boolean(const std::string& name, bool fallback) const {
  auto value = get(name);
  if (!value) return fallback;
  if (*value == "1" || *value == "true" || *value == "yes" || *value == "on") return true;
  if (*value == "0" || *value == "false" || *value == "no" || *value == "off") return false;
  throw ConfigError{name + " must be true or false, got '" + *value + "'"};
}

std::chrono::milliseconds Environment::milliseconds(const std::string& name,
                                                    std::chrono::milliseconds fallback,
                                                    std::chrono::milliseconds min,
                                                    std::chrono::milliseconds max) const {
  return std::chrono::milliseconds{integer(name, fallback.count(), min.count(), max.count())};
}

}  // namespace phonebill
