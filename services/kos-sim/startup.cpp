// kos-sim's start: migrate, (re)generate the simulated data when needed, load the catalogue.
#include "startup.hpp"

#include "core/log.hpp"
#include "core/seoul_time.hpp"
#include "storage/migrations.hpp"

namespace phonebill::kos_sim {

using namespace std::chrono_literals;

boost::asio::awaitable<bool> prepare_data(storage::PgPool& pool, KosStore& store,
                                          CatalogueCache& catalogue, const KosSimConfig& config,
                                          const Clock& clock) {
  if (!co_await storage::migrate_at_start(pool, config.migrations_directory, 120s)) co_return false;

  // The current Seoul month, unless configured: a new month adds its bills to the data
  // already there (kos_ensure_generated), it never regenerates it.
  auto anchor = config.anchor_month.value_or(seoul_month(clock.now()));
  log::info(
      "data_check",
      {{"customers", config.customers}, {"seed", config.seed}, {"anchorMonth", anchor.kos_form()}});
  // A million customers take minutes to generate; /readyz stays 503 meanwhile.
  auto generated = co_await store.ensure_generated(config.customers, config.seed, anchor,
                                                   phonebill::deadline_after(60min));
  if (!generated) {
    log::error("generation_failed", {{"error", storage::describe(generated.error())}});
    co_return false;
  }
  log::info("data_ready", {{"generatedAt", generated->generated_at},
                           {"lines", generated->lines},
                           {"bills", generated->bills},
                           {"durationMs", generated->duration_ms}});

  auto products = co_await store.catalogue(phonebill::deadline_after(30s));
  if (!products) {
    log::error("catalogue_failed", {{"error", storage::describe(products.error())}});
    co_return false;
  }
  catalogue.replace(std::move(*products));
  co_return true;
}

}  // namespace phonebill::kos_sim
