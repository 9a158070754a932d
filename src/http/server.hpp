// The HTTP server every service runs (STYLE §2): one coroutine per connection,
// read → dispatch → write with SPEC §2 limits, built-in /healthz, /readyz and
// /metrics, request ids and traceparent, JSON access log, per-route metrics, and
// graceful shutdown on SIGTERM/SIGINT, optional TLS termination (ServerOptions::tls_*).
// Entry points: Server::listen, Server::run.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/config.hpp"
#include "http/api_error.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"

namespace boost::asio {
class io_context;
}

namespace phonebill::http {

// The per-address cap of a listener that faces clients directly (the gateway's public one).
inline constexpr std::size_t kGatewayConnectionsPerAddress = 512;

struct ServerOptions {
  std::string service_name = "phonebill";
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port (tests); listen() returns the real one
  int io_threads = 2;
  std::size_t body_limit = 64 * 1024;
  std::size_t header_limit = 16 * 1024;
  std::chrono::milliseconds idle_timeout{60'000};  // keep-alive wait for the next request
  // The whole request head must arrive within this of its first byte (not between bytes).
  std::chrono::milliseconds header_timeout{10'000};
  // After the head, the body must average at least min_body_rate bytes/s once
  // body_rate_grace has passed (0: no rate, the header timeout bounds each read instead).
  std::size_t min_body_rate = 1024;
  std::chrono::milliseconds body_rate_grace{5'000};
  // Open client connections, in total and from one peer address; a connection over a
  // cap is closed at once (counted in http_connections_rejected_total). 0 in
  // max_connections: half of RLIMIT_NOFILE, leaving descriptors for upstreams, the
  // database and Redis; 0 in max_connections_per_address: no per-address cap (the
  // default: behind the gateway every connection comes from a gateway, whose pools grow
  // with its load; the gateway's public listener sets kGatewayConnectionsPerAddress).
  std::size_t max_connections = 0;
  std::size_t max_connections_per_address = 0;
  std::chrono::milliseconds request_deadline{30'000};
  std::chrono::milliseconds shutdown_grace{10'000};
  bool access_log = true;
  bool expose_metrics = true;  // the gateway serves /metrics on its admin port instead
  // Added to every response this server writes, errors and built-ins included (the
  // gateway's security headers). Rendered once at construction.
  HeaderList response_headers;
  // TLS termination: PEM certificate chain and private key; both empty: plain HTTP.
  std::string tls_certificate_file;
  std::string tls_private_key_file;

  // Reads the PHONEBILL_HTTP_* / PHONEBILL_* settings of docs/configuration.md.
  static ServerOptions from_environment(const Environment& environment, std::string service_name,
                                        std::uint16_t default_port);
};

struct Readiness {
  bool ready = true;
  boost::json::object checks;  // {"database": "UP", "redis": "DOWN", ...}
};

using ReadinessCheck = std::function<boost::asio::awaitable<Readiness>()>;
using ShutdownHook = std::function<boost::asio::awaitable<void>()>;

class Server {
 public:
  Server(boost::asio::io_context& io, ServerOptions options, Router router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void set_readiness_check(ReadinessCheck check);
  void set_error_renderer(ErrorRenderer renderer);
  // Runs after in-flight requests finished, before the io_context stops (flush queues).
  void set_shutdown_hook(ShutdownHook hook);

  Metrics& metrics();
  const ServerOptions& options() const;

  // Binds and starts accepting; returns the bound port.
  std::uint16_t listen();
  // Stops accepting, lets in-flight requests finish (up to shutdown_grace), runs the
  // shutdown hook, then stops the io_context. Safe from any thread, idempotent.
  void begin_shutdown();
  // Runs the io_context on options.io_threads threads (this one included) until
  // shutdown completes; SIGTERM/SIGINT begin the shutdown. Returns the exit code.
  int run();

  // The start-up work a service does before it is ready (migrations, data, warm-up),
  // run on the loop once run() starts: true → `on_prepared`, then prepared() is true
  // (readiness checks report it); false or an exception → the server shuts down and
  // serve() returns 1.
  void prepare(boost::asio::awaitable<bool> preparation, std::function<void()> on_prepared = {});
  bool prepared() const;
  // listen() and run(), the way every service's main ends: 1 when the port cannot be
  // bound (logged as listen_failed) or the preparation failed, else run()'s code.
  int serve();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace phonebill::http
