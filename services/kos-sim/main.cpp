// kos-sim: a faithful simulator of KOS-Order (SPEC §8). Wiring only: configuration →
// pool → store → fault controller → routes → server.
#include <boost/asio/io_context.hpp>

#include <iostream>

#include "core/config.hpp"
#include "core/log.hpp"
#include "core/random.hpp"
#include "http/server.hpp"
#include "kos_answers.hpp"
#include "kos_sim_config.hpp"
#include "routes.hpp"
#include "startup.hpp"
#include "storage/pg_pool.hpp"
#include "tracing/service_tracing.hpp"

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
  auto traces = phonebill::tracing::start_tracing(io, server);  // PHONEBILL_OTLP_ENDPOINT
  server.set_error_renderer(kos_error_renderer(clock));
  server.set_readiness_check([&]() -> asio::awaitable<http::Readiness> {
    bool database_up = co_await pool.ping(phonebill::deadline_after(std::chrono::seconds{1}));
    http::Readiness readiness;
    readiness.checks["database"] = database_up ? "UP" : "DOWN";
    readiness.checks["data"] = server.prepared() ? "READY" : "PREPARING";
    readiness.ready = database_up && server.prepared();
    co_return readiness;
  });

  server.prepare(prepare_data(pool, store, catalogue, config, clock));
  return server.serve();
}
