// kos-sim's settings: the common server and database variables plus KOS_SIM_*
// (docs/configuration.md). `--customers N` on the command line overrides
// KOS_SIM_CUSTOMERS.
#pragma once
#include <optional>
#include <string>

#include "core/billing_month.hpp"
#include "core/config.hpp"
#include "fault_settings.hpp"
#include "http/server_options.hpp"

namespace phonebill::kos_sim {

struct KosSimConfig {
  http::ServerOptions server;
  std::string database_url;
  std::size_t database_pool_size = 8;
  std::string migrations_directory;
  int customers = 1000;
  int seed = 42;
  // The newest billing month of the data (KOS_SIM_ANCHOR_MONTH, YYYYMM or YYYY-MM);
  // unset: the current Seoul month. Lets tests and demos start "as of" another month.
  std::optional<BillingMonth> anchor_month;
  FaultSettings initial_faults;            // what DELETE /admin/faults returns to
  std::optional<std::string> admin_token;  // lets non-loopback callers use /admin
  std::string log_level = "info";

  // Throws ConfigError naming the bad variable or argument.
  static KosSimConfig load(const Environment& environment, int argc, char** argv);
};

}  // namespace phonebill::kos_sim
