// kos-sim as a child process of an integration suite: the one way the fixtures start it
// (its environment from deploy/services.conf, quiet access log, no jitter).
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "support/child_process.hpp"
#include "support/service_environment.hpp"

namespace phonebill::test_support {

struct KosSimSettings {
  std::uint16_t port = 0;
  std::string database_url;
  std::string log_path;
  std::chrono::milliseconds latency{0};  // KOS_SIM_LATENCY_MS: each answer's delay
  EnvironmentMap overrides;              // on top of the above (e.g. a longer deadline)
};

// Starts kos-sim with 100 customers; does not wait for it (callers probe /readyz when they
// need it, often after starting something else meanwhile: the first start seeds its
// database and takes a while).
std::unique_ptr<ChildProcess> start_kos_sim(const KosSimSettings& settings);

}  // namespace phonebill::test_support
