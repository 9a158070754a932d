// kos-sim: a faithful simulator of KOS-Order (SPEC §8). Wiring only: configuration →
// pool → store → fault controller → routes → server.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <iostream>

#include "core/config.hpp"
#include "core/log.hpp"
#include "core/random.hpp"
#include "kos_answers.hpp"
#include "kos_sim_config.hpp"
#include "routes.hpp"
#include "startup.hpp"
#include "storage/pg_pool.hpp"

namespace asio = boost::asio;
using namespace phonebill;
using namespace phonebill::kos_sim;

int main(int argc, char** argv) {
  KosSimConfig config;
  try {
    config = KosSimConfig::load(Environment::from_process(), argc, argv);
  } catch (const ConfigError& error) {
    std::cerr << "kos-sim: " << error.what() << '\n';
    return 2;
  }
  log::init("kos-sim", config.log_level);

  asio::io_context io{config.server.io_threads};
  SystemClock clock;
  SystemRandom random;
  storage::PgPool pool{io, {config.database_url, config.database_pool_size}};
  KosStore::register_statements(pool);
  KosStore store{pool};
  FaultController faults{config.initial_faults, random};
  CatalogueCache catalogue;
  KosSimContext context{store, faults, catalogue, clock, config.admin_token};

  http::Server server{io, config.server, make_routes(context)};
  server.set_error_renderer(kos_error_renderer(clock));
  std::atomic<bool> data_ready{false};
  server.set_readiness_check([&]() -> asio::awaitable<http::Readiness> {
    bool database_up = co_await pool.ping(storage::deadline_after(std::chrono::seconds{1}));
    http::Readiness readiness;
    readiness.checks["database"] = database_up ? "UP" : "DOWN";
    readiness.checks["data"] = data_ready ? "READY" : "PREPARING";
    readiness.ready = database_up && data_ready;
    co_return readiness;
  });

  int exit_code = 0;
  asio::co_spawn(io, prepare_data(pool, store, catalogue, config, clock),
                 [&](std::exception_ptr failure, bool ready) {
                   if (failure || !ready) {
                     exit_code = 1;
                     server.begin_shutdown();
                     return;
                   }
                   data_ready = true;
                 });
  try {
    server.listen();
  } catch (const std::exception& error) {
    log::error("listen_failed", {{"error", error.what()}});
    log::flush();
    return 1;
  }
  server.run();
  return exit_code;
}
