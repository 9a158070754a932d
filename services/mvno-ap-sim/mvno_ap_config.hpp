// The stand-in MVNO AP server's settings: the common server variables (PORT, ...) and
// MVNO_AP_SIM_* — the secrets it accepts (MVNO_AP_SIM_SECRETS, comma-separated, required:
// the relay's PHONEBILL_MVNO_AP_SECRETS, current first), the timestamp tolerance and
// the initial faults (docs/events.md#the-stand-in). Entry point: MvnoApConfig::load.
#pragma once
#include <chrono>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "faults.hpp"
#include "http/server_options.hpp"

namespace phonebill::mvno_ap {

struct MvnoApConfig {
  http::ServerOptions server;
  std::vector<std::string> secrets;  // never logged
  std::chrono::seconds tolerance{300};
  FaultSettings initial_faults;
  std::string log_level = "info";

  // Throws ConfigError naming the bad variable.
  static MvnoApConfig load(const Environment& environment);
};

}  // namespace phonebill::mvno_ap
