// Active health checks (SPEC §4): every instance of every upstream gets GET /readyz on
// its own small connection pool every interval; Upstream::report_health turns the
// answers into up/down. Runs on the io_context until stop() or the io_context stops.
// Entry points: HealthChecker::start, stop.
#pragma once
#include <atomic>
#include <memory>
#include <vector>

#include "upstream.hpp"
#include "upstream_settings.hpp"

namespace boost::asio {
class io_context;
}

namespace phonebill::gateway {

class HealthChecker {
 public:
  HealthChecker(boost::asio::io_context& io, std::vector<Upstream*> upstreams,
                HealthSettings settings);
  ~HealthChecker();
  HealthChecker(const HealthChecker&) = delete;
  HealthChecker& operator=(const HealthChecker&) = delete;

  // Spawns one check loop per instance; the first checks run at once.
  void start();
  // Ends the loops at their next wake-up.
  void stop();

 private:
  boost::asio::io_context& io_;
  std::vector<Upstream*> upstreams_;
  HealthSettings settings_;
  std::shared_ptr<std::atomic<bool>> stopped_;
};

}  // namespace phonebill::gateway
