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

#include "http/api_error.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/server_options.hpp"

namespace boost::asio {
class io_context;
}

namespace phonebill::http {

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
