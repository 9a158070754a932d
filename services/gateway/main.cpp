// gateway: the single entry point (SPEC §4). Wiring only, one step per function:
// configuration → token checks (Redis, revocations, JWKS, verifier) → upstreams and
// health checks → rate limits (shared through Redis) → site, docs, stats → routes → public and
// admin listeners.
#include <boost/asio/io_context.hpp>

#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "cache/redis_client.hpp"
#include "core/log.hpp"
#include "gateway_config.hpp"
#include "health_checker.hpp"
#include "http/server.hpp"
#include "redis_shared_buckets.hpp"
#include "routes.hpp"
#include "security/jwks_source.hpp"
#include "security/revocation_metrics.hpp"
#include "security/revocation_set.hpp"
#include "security/token_verifier.hpp"
#include "tracing/service_tracing.hpp"

namespace asio = boost::asio;
using namespace phonebill;
using namespace phonebill::gateway;

namespace {

// The configuration from the environment, with the listener settings that follow from it;
// nullopt (after saying why on stderr) when the gateway must not start.
std::optional<GatewayConfig> load_config(int argc) {
  if (argc > 1) {
    std::cerr << "gateway: takes no arguments (configuration: docs/gateway.md)\n";
    return std::nullopt;
  }
  GatewayConfig config;
  try {
    config = GatewayConfig::load(Environment::from_process());
  } catch (const ConfigError& error) {
    std::cerr << "gateway: " << error.what() << '\n';
    return std::nullopt;
  }
  config.server.tls_certificate_file = config.tls.certificate_file;
  config.server.tls_private_key_file = config.tls.private_key_file;
  config.server.response_headers = security_headers(config.tls.enabled());
  // Clients reach this listener directly: cap each address unless configured
  // (docs/configuration.md).
  if (!Environment::from_process().get("PHONEBILL_MAX_CONNECTIONS_PER_ADDRESS"))
    config.server.max_connections_per_address = http::kGatewayConnectionsPerAddress;
  return config;
}

// The admin listener: the public one's limits on another address, plain HTTP, no access
// log and none of the browser-facing headers.
http::ServerOptions admin_options(const GatewayConfig& config) {
  http::ServerOptions options = config.server;
  options.address = config.admin_address;
  options.port = config.admin_port;
  options.access_log = false;
  options.tls_certificate_file.clear();
  options.tls_private_key_file.clear();
  options.response_headers.clear();
  return options;
}

// With one I/O thread the Redis client needs no strand: its commands (the shared rate
// limits) run inline (docs/decisions.md "Strands only when needed").
cache::RedisOptions redis_options(const GatewayConfig& config) {
  cache::RedisOptions options;
  options.one_io_thread = config.server.io_threads == 1;
  return options;
}

// Everything a bearer token is checked against: the signing keys fetched from auth and
// the revocations published on Redis.
struct TokenChecks {
  TokenChecks(asio::io_context& io, const GatewayConfig& config, const Clock& clock)
      : redis{io, config.redis_url, redis_options(config)},
        revocations{clock},
        listener{io, config.redis_url, redis, revocations},
        keys{io, config.jwks, clock},
        verifier{keys, config.verifier, clock, &revocations} {}

  cache::RedisClient redis;
  security::RevocationSet revocations;
  security::RevocationListener listener;
  security::HttpJwksSource keys;
  security::TokenVerifier verifier;
};

// The upstream services, each with a breaker whose transitions go to the log and the
// metrics.
struct Upstreams {
  std::vector<std::unique_ptr<Upstream>> owned;
  std::map<std::string, Upstream*> by_name;
  std::vector<Upstream*> list;
};

Upstreams make_upstreams(asio::io_context& io, const GatewayConfig& config, const Clock& clock,
                         GatewayMetrics& metrics) {
  Upstreams upstreams;
  for (const auto& settings : config.upstreams) {
    auto report = [&metrics](const resilience::BreakerTransition& change) {
      log::warn("circuit_breaker", {{"breaker", std::string{change.name}},
                                    {"from", std::string{resilience::to_string(change.from)}},
                                    {"to", std::string{resilience::to_string(change.to)}},
                                    {"failures", change.consecutive_failures}});
      metrics.record_transition(change.name, change.to);
    };
    upstreams.owned.push_back(
        std::make_unique<Upstream>(io, settings, config.health, config.breaker, clock, report));
    upstreams.by_name[settings.name] = upstreams.owned.back().get();
    upstreams.list.push_back(upstreams.owned.back().get());
  }
  metrics.add_upstreams(upstreams.list);
  return upstreams;
}

// The four token buckets of SPEC §4, shared with the other gateways through Redis: login
// and refresh exactly (a script per request), the general ones by background rounds.
struct Limits {
  Limits(asio::io_context& io, const GatewayConfig& config, cache::RedisClient& redis,
         const Clock& clock)
      : per_ip{"ip", config.rate_limits.per_ip, clock, config.rate_limits.max_tracked_keys},
        per_user{"user", config.rate_limits.per_user, clock, config.rate_limits.max_tracked_keys},
        login_local{"login", config.rate_limits.login_per_ip, clock,
                    config.rate_limits.max_tracked_keys},
        refresh_local{"refresh", config.rate_limits.refresh_per_ip, clock,
                      config.rate_limits.max_tracked_keys},
        store{redis, config.rate_sharing.redis_timeout},
        breaker{"rate-limits-redis", config.rate_sharing.breaker, clock, report_breaker},
        login{login_local, shared_store(config), breaker},
        refresh{refresh_local, shared_store(config), breaker},
        sync{io, {&per_ip, &per_user}, store, breaker, config.rate_sharing} {}

  // Sharing off: every gateway limits alone (its buckets, no Redis).
  SharedBucketStore* shared_store(const GatewayConfig& config) {
    return config.rate_sharing.enabled ? &store : nullptr;
  }
  static void report_breaker(const resilience::BreakerTransition& change) {
    log::warn("rate_limit_sharing", {{"from", std::string{resilience::to_string(change.from)}},
                                     {"to", std::string{resilience::to_string(change.to)}}});
  }

  RateLimiters references() { return RateLimiters{per_ip, per_user, login, refresh}; }
  std::vector<const RateLimiter*> all() const {
    return {&per_ip, &per_user, &login_local, &refresh_local};
  }

  RateLimiter per_ip, per_user, login_local, refresh_local;
  RedisSharedBuckets store;
  resilience::CircuitBreaker breaker;
  ExactRateLimiter login, refresh;
  RateLimitSync sync;
};

// Ready once the signing keys are loaded and the revocations synchronised; each upstream's
// usable instances are shown, not required (the breakers answer for a missing one).
http::ReadinessCheck readiness(const TokenChecks& tokens, const Upstreams& upstreams) {
  return [&tokens, &upstreams]() -> asio::awaitable<http::Readiness> {
    http::Readiness readiness;
    const bool keys = tokens.keys.has_keys();
    const bool synced = tokens.listener.is_synchronized();
    readiness.checks["signingKeys"] = keys ? "LOADED" : "WAITING";
    readiness.checks["revocations"] = synced ? "SYNCED" : "SYNCING";
    for (auto* upstream : upstreams.list)
      readiness.checks[upstream->name()] = upstream->usable_instances();
    readiness.ready = keys && synced;
    co_return readiness;
  };
}

}  // namespace

int main(int argc, char**) {
  auto loaded = load_config(argc);
  if (!loaded) return 2;
  const GatewayConfig& config = *loaded;
  log::init("gateway", config.log_level);

  asio::io_context io{config.server.io_threads};
  // Milliseconds are enough for every per-request reader of this clock (rate buckets,
  // breakers, token expiry, revocations, traffic stats), and the coarse reads cost a third
  // (core/clock.hpp, CoarseClock).
  CoarseClock clock;
  TokenChecks tokens{io, config, clock};
  GatewayMetrics metrics;
  auto upstreams = make_upstreams(io, config, clock, metrics);
  HealthChecker health{io, upstreams.list, config.health};
  Limits limits{io, config, tokens.redis, clock};

  CorsPolicy cors{config.cors_origins};
  StaticSite web{config.web_directory};
  ApiDocs docs{config.openapi_file, config.swagger_ui_directory.empty()
                                        ? default_swagger_ui_directory()
                                        : std::filesystem::path{config.swagger_ui_directory}};
  // Static files and docs are served from memory; this thread re-reads them when they change.
  FileRefresher file_refresher{
      {[&web] { return web.refresh(); }, [&docs] { return docs.refresh(); }},
      std::chrono::seconds{1}};
  auto routes = default_routes();
  TrafficStats traffic{clock, route_names(routes)};
  OpsStatus ops{OpsStatusParts{clock, traffic, upstreams.list, &tokens.verifier, limits.all()}};
  GatewayContext context{routes,
                         upstreams.by_name,
                         tokens.verifier,
                         limits.references(),
                         cors,
                         web,
                         docs,
                         traffic,
                         metrics,
                         ops,
                         config.tls.enabled()};

  http::Server server{io, config.server, make_routes(context)};
  auto traces = phonebill::tracing::start_tracing(io, server);  // PHONEBILL_OTLP_ENDPOINT
  for (auto& family : security::revocation_families(tokens.listener))
    server.metrics().add_scraped(family);
  server.set_readiness_check(readiness(tokens, upstreams));
  server.set_shutdown_hook([&health, &limits]() -> asio::awaitable<void> {
    health.stop();
    // A sync round in flight refers to the limits' breaker and the clock: it must end
    // before the io_context stops, or its frame is destroyed after them (use-after-destroy).
    if (!co_await limits.sync.stop_and_wait(std::chrono::seconds{1}))
      log::warn("rate_limit_sync_still_running", {});
  });
  http::Server admin{
      io, admin_options(config),
      make_admin_routes(server.metrics(), metrics, upstreams.list, &tokens.verifier)};
  try {
    server.listen();
    admin.listen();
  } catch (const std::exception& error) {
    log::error("listen_failed", {{"error", error.what()}});
    log::flush();
    return 1;
  }
  tokens.keys.start();
  health.start();
  if (config.rate_sharing.enabled) limits.sync.start();
  log::info("gateway_started", {{"swaggerUi", docs.has_swagger_ui()},
                                {"tls", config.tls.enabled()},
                                {"webDirectory", config.web_directory}});
  return server.run();
}
