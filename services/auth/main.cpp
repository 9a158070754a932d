// auth: users, credentials, sessions, permissions and token signing keys (SPEC §3).
// Wiring only (serve): configuration → keys → pool, Redis, revocations → stores → hasher,
// signer, verifier, revocation publisher → service → routes → server. `auth rotate-signing-key`
// rotates the signing key and exits (docs/auth.md); `auth rotate-data-key` the data key
// (docs/security.md).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <iostream>
#include <optional>

#include "auth_config.hpp"
#include "cache/redis_client.hpp"
#include "core/log.hpp"
#include "data_key_files.hpp"
#include "data_key_pass.hpp"
#include "http/server.hpp"
#include "pg_login_history_store.hpp"
#include "pg_permission_check_store.hpp"
#include "pg_revocation_store.hpp"
#include "pg_session_store.hpp"
#include "pg_user_store.hpp"
#include "revocation_publisher.hpp"
#include "routes.hpp"
#include "security/jwks_source.hpp"
#include "security/revocation_metrics.hpp"
#include "security/revocation_set.hpp"
#include "signing_key_files.hpp"
#include "startup.hpp"
#include "storage/pg_pool.hpp"
#include "tracing/service_tracing.hpp"

namespace asio = boost::asio;
using namespace phonebill;
using namespace phonebill::auth;

namespace {

int rotate_command(const Environment& environment) {
  log::init("auth", "info");
  std::filesystem::path directory = environment.string("PHONEBILL_SECRETS_DIR", ".run/secrets");
  try {
    auto lifetime = security::TokenSignerOptions::from_environment(environment).lifetime;
    auto leeway = security::TokenVerifierOptions::from_environment(environment).leeway;
    auto report = rotate_signing_key(directory, lifetime + leeway);
    std::cout << "rotated: new kid " << report.active_key_id << ", previous kid "
              << report.previous_key_id << " verifies until its tokens expire\n";
    for (const auto& file : report.retired_files) std::cout << "retired " << file << '\n';
    std::cout << "restart every auth instance to sign with the new key\n";
  } catch (const std::exception& error) {
    std::cerr << "auth: " << error.what() << '\n';
    return 1;
  }
  log::flush();
  return 0;
}

// auth's PostgreSQL stores over one pool.
struct PgStores {
  PgStores(storage::PgPool& pool, const SealedFields& sealed)
      : users{pool, sealed},
        sessions{pool, sealed},
        history{pool, sealed},
        checks{pool},
        revocation_outbox{pool},
        data_key_pass{pool, sealed} {
    DataKeyPass::register_statements(pool);
    PgUserStore::register_statements(pool);
    PgSessionStore::register_statements(pool);
    PgLoginHistoryStore::register_statements(pool);
    PgPermissionCheckStore::register_statements(pool);
    PgRevocationStore::register_statements(pool);
  }
  PgUserStore users;
  PgSessionStore sessions;
  PgLoginHistoryStore history;
  PgPermissionCheckStore checks;
  PgRevocationStore revocation_outbox;
  DataKeyPass data_key_pass;
};

// Ready once the database answers, Redis is connected, the revocations are loaded and
// the start-up work (migrations, demo users) is done.
http::ReadinessCheck readiness_check(storage::PgPool& pool, cache::RedisClient& redis,
                                     security::RevocationListener& listener,
                                     const security::SigningKeyRing& keys, http::Server& server) {
  // Pointers, not references, in the closure: it outlives this call.
  return [pool = &pool, redis = &redis, listener = &listener, keys = &keys,
          server = &server]() -> asio::awaitable<http::Readiness> {
    bool database_up = co_await pool->ping(phonebill::deadline_after(std::chrono::seconds{1}));
    http::Readiness readiness;
    readiness.checks["database"] = database_up ? "UP" : "DOWN";
    readiness.checks["redis"] = redis->is_connected() ? "UP" : "DOWN";
    readiness.checks["revocations"] = listener->is_synchronized() ? "SYNCED" : "SYNCING";
    readiness.checks["signingKeys"] = keys->keys().size();
    readiness.checks["data"] = server->prepared() ? "READY" : "PREPARING";
    readiness.ready =
        database_up && redis->is_connected() && listener->is_synchronized() && server->prepared();
    co_return readiness;
  };
}

// Wires config → pool, Redis, revocations → stores → hasher, signer, verifier, publisher
// → service → routes → server, and serves until stopped.
int serve(const AuthConfig& config, const security::SigningKeyRing& keys,
          const crypto::KeyRing& data_keys) {
  asio::io_context io{config.server.io_threads};
  SystemClock clock;
  storage::PgPool pool{io, {config.database_url, config.database_pool_size}};
  SealedFields sealed{data_keys};
  PgStores stores{pool, sealed};

  // Redis carries only revocations for auth: reconnect as eagerly as the verifiers do.
  auto redis_options = security::revocation_redis_options();
  redis_options.one_io_thread = config.server.io_threads == 1;
  cache::RedisClient redis{io, config.redis_url, redis_options};
  security::RevocationSet revocations{clock};
  security::RevocationListener listener{io, config.redis_url, redis, revocations};
  security::LocalJwksSource key_source{keys};
  security::TokenVerifier verifier{key_source, config.verifier, clock, &revocations};
  security::TokenSigner signer{keys, config.signer, clock};
  security::PasswordHasher hasher{config.passwords};
  WorkerPoolPasswordHashing passwords{hasher};
  RevocationPublisher publisher{io, stores.revocation_outbox, redis, clock};
  SessionRevoker revoker{revocations, &publisher, clock, config.session_revocation_ttl(),
                         config.revocation_margin()};
  AuthService service{AuthServiceParts{stores.users, stores.sessions, stores.history, stores.checks,
                                       stores.revocation_outbox, passwords, signer, revoker, clock,
                                       config.lockout, config.sessions}};
  AuthContext context{service, verifier, keys};

  http::Server server{io, config.server, make_routes(context)};
  auto traces = phonebill::tracing::start_tracing(io, server);  // PHONEBILL_OTLP_ENDPOINT
  for (auto& family : security::revocation_families(listener)) server.metrics().add_scraped(family);
  server.set_readiness_check(readiness_check(pool, redis, listener, keys, server));
  server.prepare(prepare_service(pool, service, passwords, config, sealed), [&] {
    publisher.start();  // the outbox table exists now
    asio::co_spawn(io, run_data_key_pass(stores.data_key_pass), asio::detached);
    asio::co_spawn(io, run_housekeeping(service, revocations, std::chrono::minutes{10}),
                   asio::detached);
  });
  return server.serve();
}

}  // namespace

int main(int argc, char** argv) {
  auto environment = Environment::from_process();
  if (argc == 2 && std::string_view{argv[1]} == "rotate-signing-key")
    return rotate_command(environment);
  if (argc == 2 && std::string_view{argv[1]} == "rotate-data-key")
    return rotate_data_key_command(environment);
  if (argc > 1) {
    std::cerr << "auth: unknown arguments (auth takes none, rotate-signing-key or "
                 "rotate-data-key)\n";
    return 2;
  }
  AuthConfig config;
  try {
    config = AuthConfig::load(environment);
  } catch (const ConfigError& error) {
    std::cerr << "auth: " << error.what() << '\n';
    return 2;
  }
  log::init("auth", config.log_level);
  std::optional<security::SigningKeyRing> keys;
  try {
    keys.emplace(load_or_create_signing_keys(config.secrets_directory));
  } catch (const std::exception& error) {
    log::error("signing_keys_failed", {{"error", error.what()}});
    log::flush();
    return 1;
  }
  std::optional<crypto::KeyRing> data_keys;
  try {
    data_keys.emplace(load_data_keys(environment, config));
  } catch (const std::exception& error) {
    log::error("data_keys_failed", {{"error", error.what()}});
    log::flush();
    return 1;
  }
  return serve(config, *keys, *data_keys);
}
