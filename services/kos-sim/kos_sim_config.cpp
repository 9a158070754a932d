// KosSimConfig: kos-sim's settings from the environment and the command line.
#include "kos_sim_config.hpp"

#include <charconv>
#include <cstring>

namespace phonebill::kos_sim {
namespace {

int parse_customer_count(std::string_view text) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value < 0 || value > 5'000'000)
    throw ConfigError{"--customers must be a whole number from 0 to 5000000"};
  return value;
}

}  // namespace

KosSimConfig KosSimConfig::load(const Environment& environment, int argc, char** argv) {
  KosSimConfig config;
  config.server = http::ServerOptions::from_environment(environment, "kos-sim", 8084);
  config.database_url = environment.required_string("PHONEBILL_DATABASE_URL");
  config.database_pool_size =
      std::size_t(environment.integer("PHONEBILL_DATABASE_POOL_SIZE", 8, 1, 256));
  config.migrations_directory = environment.string("PHONEBILL_MIGRATIONS_DIR", "db/kos");
  config.log_level = environment.string("PHONEBILL_LOG_LEVEL", "info");
  config.customers = int(environment.integer("KOS_SIM_CUSTOMERS", 1000, 0, 5'000'000));
  config.seed = int(environment.integer("KOS_SIM_SEED", 42, INT32_MIN, INT32_MAX));
  if (auto anchor = environment.get("KOS_SIM_ANCHOR_MONTH"); anchor && !anchor->empty()) {
    config.anchor_month = BillingMonth::parse(*anchor);
    if (!config.anchor_month)
      throw ConfigError{"KOS_SIM_ANCHOR_MONTH must be a month, YYYYMM or YYYY-MM"};
  }

  FaultRule& rule = config.initial_faults.global;
  rule.latency_ms = environment.integer("KOS_SIM_LATENCY_MS", rule.latency_ms, 0, kMaxLatencyMs);
  rule.jitter_ms = environment.integer("KOS_SIM_JITTER_MS", rule.jitter_ms, 0, kMaxLatencyMs);
  rule.error_rate = environment.real("KOS_SIM_ERROR_RATE", 0.0, 0.0, 1.0);
  rule.timeout_rate = environment.real("KOS_SIM_TIMEOUT_RATE", 0.0, 0.0, 1.0);
  rule.outage = environment.boolean("KOS_SIM_OUTAGE", false);
  rule.timeout_applies = environment.boolean("KOS_SIM_TIMEOUT_APPLIES", true);
  config.admin_token = environment.get("KOS_SIM_ADMIN_TOKEN");

  for (int i = 1; i < argc; ++i) {
    std::string_view argument = argv[i];
    if (argument == "--customers" && i + 1 < argc) {
      config.customers = parse_customer_count(argv[++i]);
    } else if (argument.starts_with("--customers=")) {
      config.customers = parse_customer_count(argument.substr(std::strlen("--customers=")));
    } else {
      throw ConfigError{"unknown argument '" + std::string{argument} +
                        "' (kos-sim accepts --customers N)"};
    }
  }
  return config;
}

}  // namespace phonebill::kos_sim
