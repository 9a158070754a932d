// auth's settings: the common server, database and Redis variables plus PHONEBILL_AUTH_*,
// the token settings shared with every verifier (PHONEBILL_TOKEN_*) and the Argon2id
// ones (PHONEBILL_PASSWORD_*). Reference: docs/auth.md and docs/configuration.md.
// Entry point: AuthConfig::load. Includes no Asio (options headers only).
#pragma once
#include <filesystem>
#include <string>

#include "core/config.hpp"
#include "http/server_options.hpp"
#include "lockout_rules.hpp"
#include "security/password_hash_options.hpp"
#include "security/token_signer.hpp"
#include "security/token_verifier_options.hpp"
#include "session_rules.hpp"

namespace phonebill::auth {

enum class DeploymentEnvironment { kLocal, kProduction };

struct AuthConfig {
  http::ServerOptions server;
  std::string database_url;  // contains a password: never log it
  std::size_t database_pool_size = 8;
  std::string migrations_directory = "db/auth";
  std::string redis_url = "redis://127.0.0.1:56379";
  std::filesystem::path secrets_directory = ".run/secrets";  // signing keys live here
  DeploymentEnvironment environment = DeploymentEnvironment::kProduction;
  std::string log_level = "info";

  LockoutPolicy lockout;
  SessionPolicy sessions;
  security::TokenSignerOptions signer;
  security::TokenVerifierOptions verifier;
  security::PasswordHashOptions passwords;

  bool seeds_demo_users() const { return environment == DeploymentEnvironment::kLocal; }
  // How long a session revocation must last: until every access token of the session
  // has expired on every verifier (lifetime plus leeway, at least a minute of margin).
  std::chrono::milliseconds session_revocation_ttl() const;
  std::chrono::milliseconds revocation_margin() const;

  // Throws ConfigError naming the bad variable.
  static AuthConfig load(const Environment& environment);
};

}  // namespace phonebill::auth
