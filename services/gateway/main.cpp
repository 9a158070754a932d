// gateway: the single entry point (SPEC §4). Wiring only: configuration → Redis and
// revocations → JWKS and token verifier → upstreams and health checks → limits, CORS,
// static site, docs, stats → routes → public and admin listeners.
#include <boost/asio/io_context.hpp>

#include <iostream>
#include <memory>

#include "cache/redis_client.hpp"
#include "core/log.hpp"
#include "gateway_config.hpp"
#include "health_checker.hpp"
#include "routes.hpp"
#include "security/jwks_source.hpp"
#include "security/revocation_set.hpp"
#include "security/token_verifier.hpp"

namespace asio = boost::asio;
using namespace phonebill;
using namespace phonebill::gateway;

int main(int argc, char**) {
  if (argc > 1) {
    std::cerr << "gateway: takes no arguments (configuration: docs/gateway.md)\n";
    return 2;
  }
  GatewayConfig config;
  try {
    config = GatewayConfig::load(Environment::from_process());
  } catch (const ConfigError& error) {
    std::cerr << "gateway: " << error.what() << '\n';
    return 2;
  }
  log::init("gateway", config.log_level);
  config.server.tls_certificate_file = config.tls.certificate_file;
  config.server.tls_private_key_file = config.tls.private_key_file;
  config.server.response_headers = security_headers(config.tls.enabled());
  // Clients reach this listener directly: cap each address unless configured
  // (docs/configuration.md).
  if (!Environment::from_process().get("PHONEBILL_MAX_CONNECTIONS_PER_ADDRESS"))
    config.server.max_connections_per_address = http::kGatewayConnectionsPerAddress;

  asio::io_context io{config.server.io_threads};
  SystemClock clock;
  cache::RedisClient redis{io, config.redis_url};
  security::RevocationSet revocations{clock};
  security::RevocationListener listener{io, config.redis_url, redis, revocations};
  security::HttpJwksSource keys{io, config.jwks, clock};
  security::TokenVerifier verifier{keys, config.verifier, clock, &revocations};

  GatewayMetrics metrics;
  std::vector<std::unique_ptr<Upstream>> upstream_storage;
  std::map<std::string, Upstream*> upstreams;
  std::vector<Upstream*> upstream_list;
  for (const auto& settings : config.upstreams) {
    auto listener_for = [&metrics,
                         name = settings.name](const resilience::BreakerTransition& change) {
      log::warn("circuit_breaker", {{"breaker", std::string{change.name}},
                                    {"from", std::string{resilience::to_string(change.from)}},
                                    {"to", std::string{resilience::to_string(change.to)}},
                                    {"failures", change.consecutive_failures}});
      metrics.record_transition(name, change.to);
    };
    upstream_storage.push_back(std::make_unique<Upstream>(io, settings, config.health,
                                                          config.breaker, clock, listener_for));
    upstreams[settings.name] = upstream_storage.back().get();
    upstream_list.push_back(upstream_storage.back().get());
  }
  metrics.add_upstreams(upstream_list);
  HealthChecker health{io, upstream_list, config.health};

  RateLimiter per_ip{"ip", config.rate_limits.per_ip, clock, config.rate_limits.max_tracked_keys};
  RateLimiter per_user{"user", config.rate_limits.per_user, clock,
                       config.rate_limits.max_tracked_keys};
  RateLimiter login{"login", config.rate_limits.login_per_ip, clock,
                    config.rate_limits.max_tracked_keys};
  RateLimiter refresh{"refresh", config.rate_limits.refresh_per_ip, clock,
                      config.rate_limits.max_tracked_keys};
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
  OpsStatus ops{OpsStatusParts{
      clock, traffic, upstream_list, &verifier, {&per_ip, &per_user, &login, &refresh}}};
  GatewayContext context{routes,
                         upstreams,
                         verifier,
                         RateLimiters{per_ip, per_user, login, refresh},
                         cors,
                         web,
                         docs,
                         traffic,
                         metrics,
                         ops,
                         config.tls.enabled()};
  http::Server server{io, config.server, make_routes(context)};
  server.set_readiness_check([&]() -> asio::awaitable<http::Readiness> {
    http::Readiness readiness;
    readiness.checks["signingKeys"] = keys.has_keys() ? "LOADED" : "WAITING";
    readiness.checks["revocations"] = listener.is_synchronized() ? "SYNCED" : "SYNCING";
    for (auto* upstream : upstream_list)
      readiness.checks[upstream->name()] = upstream->usable_instances();
    readiness.ready = keys.has_keys() && listener.is_synchronized();
    co_return readiness;
  });

  http::ServerOptions admin_options = config.server;
  admin_options.address = config.admin_address;
  admin_options.port = config.admin_port;
  admin_options.access_log = false;
  admin_options.tls_certificate_file.clear();
  admin_options.tls_private_key_file.clear();
  admin_options.response_headers.clear();
  http::Server admin{io, admin_options,
                     make_admin_routes(server.metrics(), metrics, upstream_list, &verifier)};
  server.set_shutdown_hook([&]() -> asio::awaitable<void> {
    health.stop();
    co_return;
  });

  try {
    server.listen();
    admin.listen();
  } catch (const std::exception& error) {
    log::error("listen_failed", {{"error", error.what()}});
    log::flush();
    return 1;
  }
  keys.start();
  health.start();
  log::info("gateway_started", {{"swaggerUi", docs.has_swagger_ui()},
                                {"tls", config.tls.enabled()},
                                {"webDirectory", config.web_directory}});
  return server.run();
}
