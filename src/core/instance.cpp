// PHONEBILL_INSTANCE, read and checked in one place (see instance.hpp).
#include "core/instance.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>

namespace phonebill {
namespace {

bool acceptable(const std::string& name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

std::string host_name() {
  std::array<char, 256> name{};
  if (gethostname(name.data(), name.size() - 1) != 0) return {};
  return name.data();
}

}  // namespace

std::string instance_name(const Environment& environment) {
  auto configured = environment.string("PHONEBILL_INSTANCE", "");
  if (!configured.empty()) {
    // It lands in log lines, JSON and a metric label: keep it to a plain name.
    if (!acceptable(configured))
      throw ConfigError("PHONEBILL_INSTANCE must be 1-64 characters of [A-Za-z0-9._-]");
    return configured;
  }
  auto host = host_name();
  return acceptable(host) ? host : "local";
}

const std::string& process_instance() {
  static const std::string name = [] {
    try {
      return instance_name(Environment::from_process());
    } catch (const ConfigError&) {
      // main() reports the bad setting when it reads its configuration; a log line
      // written before that still needs a name.
      return std::string{"invalid"};
    }
  }();
  return name;
}

}  // namespace phonebill
