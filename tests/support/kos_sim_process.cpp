// Starting kos-sim for an integration suite (see kos_sim_process.hpp).
#include "support/kos_sim_process.hpp"

#include "support/test_environment.hpp"

namespace phonebill::test_support {

std::unique_ptr<ChildProcess> start_kos_sim(const KosSimSettings& settings) {
  ChildProcessOptions options;
  options.executable = build_directory() + "/services/kos-sim/kos-sim";
  EnvironmentMap overrides{{"PHONEBILL_ACCESS_LOG", "false"},
                           {"PHONEBILL_SHUTDOWN_GRACE_MS", "1000"},
                           {"KOS_SIM_LATENCY_MS", std::to_string(settings.latency.count())},
                           {"KOS_SIM_JITTER_MS", "0"}};
  for (const auto& [key, value] : settings.overrides) overrides[key] = value;
  options.environment = service_environment("kos-sim",
                                            {{"PORT", std::to_string(settings.port)},
                                             {"DATABASE_URL", settings.database_url},
                                             {"CUSTOMERS", "100"}},
                                            overrides);
  options.log_path = settings.log_path;
  return std::make_unique<ChildProcess>(options);
}

}  // namespace phonebill::test_support
