// prepare_service: see startup.hpp.
#include "startup.hpp"

#include "core/log.hpp"
#include "storage/migrations.hpp"

namespace phonebill::bill {

boost::asio::awaitable<bool> prepare_service(storage::PgPool& pool, const BillConfig& config) {
  auto migrated = co_await storage::run_migrations(pool, config.migrations_directory,
                                                   storage::deadline_after(std::chrono::seconds{60}));
  if (!migrated) {
    log::error("migrations_failed", {{"error", storage::describe(migrated.error())}});
    co_return false;
  }
  log::info("migrations_done", {{"applied", migrated->applied_versions.size()},
                                {"skipped", migrated->skipped}});
  co_return true;
}

}  // namespace phonebill::bill
