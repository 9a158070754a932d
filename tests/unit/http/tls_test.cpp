// TLS termination in the server: a client that speaks TLS gets answers (and the same
// built-ins), one that speaks plain HTTP to a TLS port gets none, a bad key stops listen().
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "http/server.hpp"

using namespace phonebill::http;
namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

class TlsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = fs::temp_directory_path() / ("phonebill-tls-" + std::to_string(::getpid()));
    fs::create_directories(directory_);
    auto command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
        "-subj /CN=localhost -keyout " +
        (directory_ / "key.pem").string() + " -out " + (directory_ / "cert.pem").string() +
        " >/dev/null 2>&1";
    if (std::system(command.c_str()) != 0) GTEST_SKIP() << "openssl cannot make a certificate";
  }
  void TearDown() override {
    if (server_) {
      io_.stop();
      if (thread_.joinable()) thread_.join();
    }
    fs::remove_all(directory_);
  }
  void start(ServerOptions options) {
    options.access_log = false;
    options.header_timeout = std::chrono::milliseconds{500};
    server_ = std::make_unique<Server>(io_, options, Router{});
    port_ = server_->listen();
    thread_ = std::thread([this] { io_.run(); });
  }
  ServerOptions tls_options() {
    ServerOptions options;
    options.tls_certificate_file = (directory_ / "cert.pem").string();
    options.tls_private_key_file = (directory_ / "key.pem").string();
    return options;
  }

  fs::path directory_;
  asio::io_context io_;
  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace

// A TLS client gets /healthz over TLS.
TEST_F(TlsServerTest, AnswersOverTls) {
  start(tls_options());
  asio::io_context client_io;
  asio::ssl::context context{asio::ssl::context::tls_client};
  context.set_verify_mode(asio::ssl::verify_none);
  asio::ssl::stream<asio::ip::tcp::socket> stream{client_io, context};
  stream.next_layer().connect({asio::ip::make_address("127.0.0.1"), port_});
  stream.handshake(asio::ssl::stream_base::client);
  std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  asio::write(stream, asio::buffer(request));
  std::string answer;
  boost::system::error_code error;
  char chunk[1024];
  for (;;) {
    auto n = stream.read_some(asio::buffer(chunk), error);
    if (error) break;
    answer.append(chunk, n);
  }
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 200")) << answer;
  EXPECT_NE(answer.find("\"UP\""), std::string::npos);
}

// Plain HTTP to the TLS port gets no HTTP answer; the connection is dropped.
TEST_F(TlsServerTest, PlainHttpToTlsPortGetsNoAnswer) {
  start(tls_options());
  asio::io_context client_io;
  asio::ip::tcp::socket socket{client_io};
  socket.connect({asio::ip::make_address("127.0.0.1"), port_});
  timeval timeout{3, 0};
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  asio::write(socket, asio::buffer(std::string{"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"}));
  std::string answer;
  boost::system::error_code error;
  char chunk[1024];
  for (;;) {
    auto n = socket.read_some(asio::buffer(chunk), error);
    if (error) break;
    answer.append(chunk, n);
  }
  EXPECT_EQ(answer.find("HTTP/1.1 200"), std::string::npos);
}

// A missing key file is an error at listen(), not a server without TLS.
TEST_F(TlsServerTest, MissingKeyFailsListen) {
  auto options = tls_options();
  options.tls_private_key_file = (directory_ / "missing.pem").string();
  options.access_log = false;
  Server server{io_, options, Router{}};
  EXPECT_ANY_THROW(server.listen());
}
