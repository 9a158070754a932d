// Before ready: migrations, then demo users (local) or the published-password check
// (production); while running: the housekeeping loop.
#include "startup.hpp"

#include "core/log.hpp"
#include "crypto/database_key_check.hpp"
#include "demo_users.hpp"
#include "http/sleep.hpp"
#include "published_passwords.hpp"
#include "storage/migrations.hpp"

namespace phonebill::auth {

using namespace std::chrono_literals;

namespace {

// Production: no account may open with a password the project publishes.
boost::asio::awaitable<bool> no_published_passwords(storage::PgPool& pool,
                                                    PasswordHashing& passwords) {
  auto found = co_await accounts_with_published_passwords(pool, passwords);
  if (!found) {
    log::error("published_password_check_failed", {});
    co_return false;
  }
  for (const auto& user_id : *found) {
    // The id only: which account to fix. The password is in the README, not in the log.
    log::error("published_password_in_production",
               {{"userId", user_id},
                {"fix",
                 "change this account's password or delete it, or run with "
                 "PHONEBILL_ENVIRONMENT=local"}});
  }
  co_return found->empty();
}

}  // namespace

boost::asio::awaitable<bool> prepare_service(storage::PgPool& pool, AuthService& service,
                                             PasswordHashing& passwords, const AuthConfig& config,
                                             const SealedFields& sealed) {
  if (!co_await storage::migrate_at_start(pool, config.migrations_directory, 120s)) co_return false;
  auto refused = co_await crypto::check_keys_against_database(pool, sealed.cipher(),
                                                              phonebill::deadline_after(60s));
  if (refused) {
    log::error("data_keys_refused", {{"reason", *refused}});
    co_return false;
  }
  if (!config.seeds_demo_users()) co_return co_await no_published_passwords(pool, passwords);
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
