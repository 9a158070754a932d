// Before ready: migrations and demo users; while running: the housekeeping loop.
#include "startup.hpp"

#include "core/log.hpp"
#include "crypto/database_key_check.hpp"
#include "demo_users.hpp"
#include "http/sleep.hpp"
#include "storage/migrations.hpp"

namespace phonebill::auth {

using namespace std::chrono_literals;

boost::asio::awaitable<bool> prepare_service(storage::PgPool& pool, AuthService& service,
                                             const AuthConfig& config, const SealedFields& sealed) {
  if (!co_await storage::migrate_at_start(pool, config.migrations_directory, 120s)) co_return false;
  auto refused = co_await crypto::check_keys_against_database(pool, sealed.cipher(),
                                                              phonebill::deadline_after(60s));
  if (refused) {
    log::error("data_keys_refused", {{"reason", *refused}});
    co_return false;
  }
  if (!config.seeds_demo_users()) co_return true;
  int created = 0;
  for (auto& user : demo_users()) {
    auto ensured = co_await service.ensure_user(std::move(user), phonebill::deadline_after(60s));
    if (!ensured) {
      log::error("demo_users_failed", {{"status", to_string(ensured.error().status)}});
      co_return false;
    }
    if (*ensured) ++created;
  }
  log::info("demo_users_ready", {{"created", created}});
  co_return true;
}

boost::asio::awaitable<void> run_housekeeping(AuthService& service,
                                              security::RevocationSet& revocations,
                                              std::chrono::milliseconds interval) {
  for (;;) {
    co_await service.purge_expired(phonebill::deadline_after(30s));
    revocations.purge_expired();
    co_await http::sleep_for(interval);
  }
}

}  // namespace phonebill::auth
