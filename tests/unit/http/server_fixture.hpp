// The loopback fixture of the HTTP server tests: a Server on its own io_context thread,
// an HttpClient to it, raw-socket exchanges, and demo routes.
#pragma once
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>

#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

#include "http/client.hpp"
#include "http/server.hpp"

namespace phonebill::http::testing {

namespace asio = boost::asio;
using namespace std::chrono_literals;

class ServerTest : public ::testing::Test {
 protected:
  ~ServerTest() override {
    guard_.reset();
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }

  void start(Router router, ServerOptions options = {}) {
    options.access_log = access_log_;
    server_ = std::make_unique<Server>(io_, options, std::move(router));
    port_ = server_->listen();
    client_ = std::make_unique<HttpClient>(io_, ClientOptions{"127.0.0.1", port_});
    thread_ = std::thread([this] { io_.run(); });
  }

  ClientResult send(ClientRequest request, std::chrono::milliseconds timeout = 2000ms) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    return asio::co_spawn(io_, client_->send(std::move(request), deadline), asio::use_future).get();
  }

  // send() as a callable, for helpers outside the fixture.
  auto sender() {
    return [this](ClientRequest request) { return send(std::move(request)); };
  }

  // Writes raw bytes on a fresh connection and reads until the server closes it.
  std::string raw_exchange(const std::string& bytes, std::chrono::milliseconds pause_after = 0ms) {
    asio::io_context local;
    asio::ip::tcp::socket socket{local};
    socket.connect({asio::ip::make_address("127.0.0.1"), port_});
    timeval timeout{5, 0};
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    asio::write(socket, asio::buffer(bytes));
    std::this_thread::sleep_for(pause_after);
    std::string answer;
    char chunk[4096];
    boost::system::error_code error;
    for (;;) {
      auto n = socket.read_some(asio::buffer(chunk), error);
      if (error) break;
      answer.append(chunk, n);
    }
    return answer;
  }

  static Router demo_routes() {
    Router router;
    router.add("GET", "/items/{id}", [](Request& request) -> asio::awaitable<Response> {
      co_return success_response(boost::json::object{
          {"id", request.path_parameter("id")}, {"q", request.query_parameter("q").value_or("")}});
    });
    router.add("POST", "/echo", [](Request& request) -> asio::awaitable<Response> {
      co_return text_response(request.body, "text/plain");
    });
    router.add("GET", "/boom", [](Request&) -> asio::awaitable<Response> {
      throw std::runtime_error{"bug"};
      co_return Response{};
    });
    router.add("GET", "/slow", [](Request&) -> asio::awaitable<Response> {
      asio::steady_timer timer{co_await asio::this_coro::executor, 300ms};
      co_await timer.async_wait(asio::use_awaitable);
      co_return text_response("done", "text/plain");
    });
    return router;
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_{io_.get_executor()};
  std::unique_ptr<Server> server_;
  std::unique_ptr<HttpClient> client_;
  bool access_log_ = false;  // tests of the access log itself turn it on before start()
  std::uint16_t port_ = 0;
  std::thread thread_;
};

inline boost::json::object body_of(const ClientResult& result) {
  return boost::json::parse(result.response->body).as_object();
}

}  // namespace phonebill::http::testing
