// MvnoApConfig from the environment (see mvno_ap_config.hpp).
#include "mvno_ap_config.hpp"

#include "outbox/webhook_signature.hpp"

namespace phonebill::mvno_ap {

MvnoApConfig MvnoApConfig::load(const Environment& environment) {
  MvnoApConfig config;
  config.server = http::ServerOptions::from_environment(environment, "mvno-ap-sim", 8085);
  config.secrets = outbox::parse_secret_list(environment.string("MVNO_AP_SIM_SECRETS", ""));
  if (config.secrets.empty())
    throw ConfigError{"MVNO_AP_SIM_SECRETS must hold at least one secret"};
  config.tolerance =
      std::chrono::seconds{environment.integer("MVNO_AP_SIM_TOLERANCE_S", 300, 1, 86'400)};
  config.log_level = environment.string("PHONEBILL_LOG_LEVEL", "info");
  auto& faults = config.initial_faults;
  faults.latency_ms = environment.integer("MVNO_AP_SIM_LATENCY_MS", 0, 0, 600'000);
  faults.error_rate = environment.real("MVNO_AP_SIM_ERROR_RATE", 0.0, 0.0, 1.0);
  faults.outage = environment.boolean("MVNO_AP_SIM_OUTAGE", false);
  return config;
}

}  // namespace phonebill::mvno_ap
