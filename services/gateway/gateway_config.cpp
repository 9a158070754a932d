// GatewayConfig::load: the gateway's settings from the environment (SPEC §4).
#include "gateway_config.hpp"

#include "core/text_list.hpp"

namespace phonebill::gateway {
namespace {

BucketSettings bucket(const Environment& environment, const std::string& prefix,
                      BucketSettings defaults) {
  BucketSettings settings;
  settings.per_second = environment.real(prefix + "_PER_SECOND", defaults.per_second, 0, 1e9);
  settings.burst = environment.real(prefix + "_BURST", defaults.burst, 0, 1e9);
  if (settings.per_second > 0 && settings.burst < 1) settings.burst = 1;
  return settings;
}

struct KnownUpstream {
  const char* name;
  const char* variable;
  const char* default_url;
  std::chrono::milliseconds timeout;
};

// SPEC §4's upstreams. Timeouts sit above the services' own KOS deadlines (3 s inquiry,
// 5 s change, plus retries), so a slow KOS is the service's 504 KOS_TIMEOUT, not ours.
constexpr KnownUpstream kUpstreams[] = {
    {"auth", "PHONEBILL_UPSTREAM_AUTH", "http://127.0.0.1:8081", std::chrono::milliseconds{5'000}},
    {"bill-inquiry", "PHONEBILL_UPSTREAM_BILL_INQUIRY", "http://127.0.0.1:8082",
     std::chrono::milliseconds{10'000}},
    {"product-change", "PHONEBILL_UPSTREAM_PRODUCT_CHANGE", "http://127.0.0.1:8083",
     std::chrono::milliseconds{15'000}},
};

std::string timeout_variable(const std::string& name) {
  std::string upper;
  for (char c : name)
    upper.push_back(c == '-' ? '_' : char(std::toupper(static_cast<unsigned char>(c))));
  return "PHONEBILL_GATEWAY_TIMEOUT_" + upper + "_MS";
}

}  // namespace

const UpstreamSettings* GatewayConfig::upstream(const std::string& name) const {
  for (const auto& settings : upstreams)
    if (settings.name == name) return &settings;
  return nullptr;
}

namespace {

// PHONEBILL_UPSTREAM_<SERVICE> instance lists and PHONEBILL_GATEWAY_TIMEOUT_* per service.
std::vector<UpstreamSettings> upstreams_from(const Environment& environment) {
  std::vector<UpstreamSettings> upstreams;
  for (const auto& known : kUpstreams) {
    UpstreamSettings settings;
    settings.name = known.name;
    settings.instances =
        parse_instance_list(known.variable, environment.string(known.variable, known.default_url));
    settings.timeout = environment.milliseconds(timeout_variable(known.name), known.timeout);
    if (settings.timeout.count() < 1)
      throw ConfigError{timeout_variable(known.name) + " must be at least 1"};
    upstreams.push_back(std::move(settings));
  }
  return upstreams;
}

HealthSettings health_from(const Environment& environment, HealthSettings health) {
  health.interval =
      environment.milliseconds("PHONEBILL_GATEWAY_HEALTH_INTERVAL_MS", health.interval);
  health.timeout = environment.milliseconds("PHONEBILL_GATEWAY_HEALTH_TIMEOUT_MS", health.timeout);
  health.failures_to_mark_down = int(environment.integer("PHONEBILL_GATEWAY_HEALTH_FAILURES",
                                                         health.failures_to_mark_down, 1, 100));
  health.passive_failures_to_eject = int(environment.integer(
      "PHONEBILL_GATEWAY_EJECT_AFTER_FAILURES", health.passive_failures_to_eject, 1, 100));
  health.ejection_time =
      environment.milliseconds("PHONEBILL_GATEWAY_EJECT_MS", health.ejection_time);
  health.max_idle_connections = std::size_t(environment.integer(
      "PHONEBILL_GATEWAY_UPSTREAM_POOL_SIZE", std::int64_t(health.max_idle_connections), 1, 65536));
  if (health.interval.count() < 10)
    throw ConfigError{"PHONEBILL_GATEWAY_HEALTH_INTERVAL_MS must be at least 10"};
  return health;
}

RateLimitSettings rate_limits_from(const Environment& environment, RateLimitSettings limits) {
  bool limits_on = environment.boolean("PHONEBILL_GATEWAY_RATE_LIMITS", true);
  limits.per_ip = bucket(environment, "PHONEBILL_GATEWAY_RATE_IP", limits.per_ip);
  limits.per_user = bucket(environment, "PHONEBILL_GATEWAY_RATE_USER", limits.per_user);
  limits.login_per_ip = bucket(environment, "PHONEBILL_GATEWAY_RATE_LOGIN", limits.login_per_ip);
  limits.refresh_per_ip =
      bucket(environment, "PHONEBILL_GATEWAY_RATE_REFRESH", limits.refresh_per_ip);
  if (!limits_on)
    limits.per_ip = limits.per_user = limits.login_per_ip = limits.refresh_per_ip =
        BucketSettings{};
  return limits;
}

// PHONEBILL_GATEWAY_RATE_SHARED / _SYNC_MS / _REDIS_TIMEOUT_MS / _BREAKER_*: how the limits
// are shared (SPEC §4 wants a round at least every 100 ms).
RateSharingSettings rate_sharing_from(const Environment& environment, RateSharingSettings sharing) {
  sharing.enabled = environment.boolean("PHONEBILL_GATEWAY_RATE_SHARED", sharing.enabled);
  sharing.sync_interval = std::chrono::milliseconds{
      environment.integer("PHONEBILL_GATEWAY_RATE_SYNC_MS", sharing.sync_interval.count(), 5, 100)};
  sharing.redis_timeout = std::chrono::milliseconds{environment.integer(
      "PHONEBILL_GATEWAY_RATE_REDIS_TIMEOUT_MS", sharing.redis_timeout.count(), 1, 1000)};
  sharing.breaker = resilience::CircuitBreakerOptions::from_environment(
      environment, "PHONEBILL_GATEWAY_RATE_BREAKER", sharing.breaker);
  return sharing;
}

// The JWKS is fetched from the auth instances the gateway proxies to.
security::HttpJwksOptions jwks_from(const Environment& environment, const UpstreamSettings& auth,
                                    security::HttpJwksOptions jwks) {
  for (const auto& instance : auth.instances)
    jwks.base_urls.push_back("http://" + instance.label());
  jwks.refresh_interval =
      environment.milliseconds("PHONEBILL_JWKS_REFRESH_MS", jwks.refresh_interval);
  jwks.unknown_key_refresh_interval = environment.milliseconds(
      "PHONEBILL_JWKS_UNKNOWN_KID_REFRESH_MS", jwks.unknown_key_refresh_interval);
  jwks.request_timeout =
      environment.milliseconds("PHONEBILL_JWKS_TIMEOUT_MS", jwks.request_timeout);
  jwks.retry_interval = std::chrono::milliseconds{
      environment.integer("PHONEBILL_JWKS_RETRY_MS", jwks.retry_interval.count(), 10)};
  return jwks;
}

}  // namespace

GatewayConfig GatewayConfig::load(const Environment& environment) {
  GatewayConfig config;
  config.server = http::ServerOptions::from_environment(environment, "gateway", 8080);
  config.server.expose_metrics = false;  // /metrics lives on the admin port only
  config.admin_port = std::uint16_t(environment.integer("PHONEBILL_ADMIN_PORT", 9080, 0, 65535));
  config.admin_address = environment.string("PHONEBILL_ADMIN_ADDRESS", "127.0.0.1");
  config.web_directory = environment.string("PHONEBILL_WEB_DIR", config.web_directory);
  config.openapi_file = environment.string("PHONEBILL_OPENAPI_FILE", config.openapi_file);
  config.swagger_ui_directory = environment.string("PHONEBILL_SWAGGER_UI_DIR", "");
  config.redis_url = environment.string("PHONEBILL_REDIS_URL", config.redis_url);
  config.log_level = environment.string("PHONEBILL_LOG_LEVEL", config.log_level);

  config.upstreams = upstreams_from(environment);
  for (const auto& upstream : config.upstreams)
    for (const auto& instance : upstream.instances) config.metrics_sources.push_back(instance);
  config.health = health_from(environment, config.health);
  config.breaker = resilience::CircuitBreakerOptions::from_environment(
      environment, "PHONEBILL_GATEWAY_BREAKER", config.breaker);
  config.rate_limits = rate_limits_from(environment, config.rate_limits);
  config.rate_sharing = rate_sharing_from(environment, config.rate_sharing);

  const auto origins = environment.string("PHONEBILL_GATEWAY_CORS_ORIGINS", "");
  for (auto origin : split_list(origins)) config.cors_origins.emplace_back(origin);
  config.tls.certificate_file = environment.string("PHONEBILL_TLS_CERT_FILE", "");
  config.tls.private_key_file = environment.string("PHONEBILL_TLS_KEY_FILE", "");
  if (config.tls.certificate_file.empty() != config.tls.private_key_file.empty())
    throw ConfigError{"PHONEBILL_TLS_CERT_FILE and PHONEBILL_TLS_KEY_FILE must be set together"};

  config.verifier = security::TokenVerifierOptions::from_environment(environment);
  config.jwks = jwks_from(environment, *config.upstream("auth"), config.jwks);
  return config;
}

}  // namespace phonebill::gateway
