// What auth does before it reports ready: migrate its schema and, in local runs, create
// the demo users (in production: refuse to serve while a demo password opens an account,
// published_passwords.hpp); then, for as long as it runs, purge dead sessions and counters.
// Entry points: prepare_service, run_housekeeping.
#pragma once
#include <boost/asio/awaitable.hpp>

#include "auth_config.hpp"
#include "auth_service.hpp"
#include "password_hashing.hpp"
#include "sealed_fields.hpp"
#include "security/revocation_set.hpp"
#include "storage/pg_pool.hpp"

namespace phonebill::auth {

// True when auth may serve; false after logging why not (a data key that does not fit
// the database included: crypto/database_key_check.hpp).
boost::asio::awaitable<bool> prepare_service(storage::PgPool& pool, AuthService& service,
                                             PasswordHashing& passwords, const AuthConfig& config,
                                             const SealedFields& sealed);

// Every `interval`: AuthService::purge_expired and RevocationSet::purge_expired. Runs
// until the io_context stops.
boost::asio::awaitable<void> run_housekeeping(AuthService& service,
                                              security::RevocationSet& revocations,
                                              std::chrono::milliseconds interval);

}  // namespace phonebill::auth
