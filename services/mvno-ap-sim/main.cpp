// mvno-ap-sim: a stand-in for the MVNO AP server (issue 21, docs/decisions.md) — receives
// the services' signed events, verifies and records them, and injects faults. Wiring
// only: configuration → receiver, faults → routes → server.
#include <boost/asio/io_context.hpp>

#include <iostream>

#include "core/log.hpp"
#include "core/random.hpp"
#include "http/server.hpp"
#include "mvno_ap_config.hpp"
#include "routes.hpp"

namespace asio = boost::asio;
using namespace phonebill;
using namespace phonebill::mvno_ap;

int main() {
  MvnoApConfig config;
  try {
    config = MvnoApConfig::load(Environment::from_process());
  } catch (const ConfigError& error) {
    std::cerr << "mvno-ap-sim: " << error.what() << '\n';
    return 2;
  }
  log::init("mvno-ap-sim", config.log_level);

  asio::io_context io{config.server.io_threads};
  SystemClock clock;
  SystemRandom random;
  Receiver receiver;
  Faults faults{config.initial_faults};
  MvnoApContext context{receiver, faults, config.secrets, config.tolerance, clock, random};

  http::Server server{io, config.server, make_routes(context)};
  server.set_readiness_check([&]() -> asio::awaitable<http::Readiness> {
    http::Readiness readiness;
    readiness.ready = true;
    co_return readiness;
  });
  return server.serve();
}
