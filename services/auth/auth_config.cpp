// AuthConfig::load: auth's environment variables read and checked (see auth_config.hpp).
#include "auth_config.hpp"

#include <algorithm>

namespace phonebill::auth {
namespace {

std::chrono::seconds seconds_setting(const Environment& environment, const std::string& name,
                                     std::chrono::seconds fallback, std::int64_t max) {
  return std::chrono::seconds{environment.integer(name, fallback.count(), 1, max)};
}

DeploymentEnvironment parse_environment(const std::string& text) {
  if (text == "local") return DeploymentEnvironment::kLocal;
  if (text == "production") return DeploymentEnvironment::kProduction;
  throw ConfigError{"PHONEBILL_ENVIRONMENT must be local or production (got '" + text + "')"};
}

}  // namespace

std::chrono::milliseconds AuthConfig::revocation_margin() const {
  return std::max<std::chrono::milliseconds>(verifier.leeway, std::chrono::seconds{60});
}

std::chrono::milliseconds AuthConfig::session_revocation_ttl() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(signer.lifetime) +
         revocation_margin();
}

AuthConfig AuthConfig::load(const Environment& environment) {
  constexpr std::int64_t kDay = 24 * 60 * 60;
  AuthConfig config;
  config.server = http::ServerOptions::from_environment(environment, "auth", 8081);
  config.database_url = environment.required_string("PHONEBILL_DATABASE_URL");
  config.database_pool_size =
      std::size_t(environment.integer("PHONEBILL_DATABASE_POOL_SIZE", 8, 1, 256));
  config.migrations_directory = environment.string("PHONEBILL_MIGRATIONS_DIR", "db/auth");
  config.redis_url = environment.string("PHONEBILL_REDIS_URL", config.redis_url);
  config.secrets_directory = environment.string("PHONEBILL_SECRETS_DIR", ".run/secrets");
  // Unset means production (SPEC §14): only ./phonebill up and the tests say `local`, so a
  // binary deployed without the variable never creates the published demo accounts.
  config.environment =
      parse_environment(environment.string("PHONEBILL_ENVIRONMENT", "production"));
  config.log_level = environment.string("PHONEBILL_LOG_LEVEL", "info");

  auto& lockout = config.lockout;
  lockout.max_failures =
      int(environment.integer("PHONEBILL_AUTH_MAX_FAILED_ATTEMPTS", lockout.max_failures, 1, 100));
  lockout.lock_duration =
      seconds_setting(environment, "PHONEBILL_AUTH_LOCK_SECONDS", lockout.lock_duration, kDay);
  lockout.failure_window = seconds_setting(environment, "PHONEBILL_AUTH_FAILURE_WINDOW_SECONDS",
                                           lockout.failure_window, 30 * kDay);

  config.signer = security::TokenSignerOptions::from_environment(environment);
  config.verifier = security::TokenVerifierOptions::from_environment(environment);
  config.passwords = security::PasswordHashOptions::from_environment(environment);

  auto& sessions = config.sessions;
  sessions.access_token_lifetime = config.signer.lifetime;
  sessions.idle_timeout = seconds_setting(environment, "PHONEBILL_AUTH_IDLE_TIMEOUT_SECONDS",
                                          sessions.idle_timeout, kDay);
  sessions.absolute_lifetime = seconds_setting(environment, "PHONEBILL_AUTH_SESSION_MAX_SECONDS",
                                               sessions.absolute_lifetime, kDay);
  return config;
}

}  // namespace phonebill::auth
