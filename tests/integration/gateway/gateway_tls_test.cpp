// TLS termination at the gateway (certificate paths from configuration): HTTPS answers
// with HSTS and forwards X-Forwarded-Proto: https; plain HTTP to the TLS port gets nothing.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

#include <cstdlib>
#include <thread>

#include "gateway_fixture.hpp"

using namespace phonebill;
using namespace phonebill::test_support;
namespace asio = boost::asio;

namespace {

// One request over TLS (certificate not verified: it is self-signed); the raw answer,
// "" if the handshake or connection failed.
std::string https_exchange(std::uint16_t port, const std::string& request) {
  try {
    asio::io_context io;
    asio::ssl::context context{asio::ssl::context::tls_client};
    context.set_verify_mode(asio::ssl::verify_none);
    asio::ssl::stream<asio::ip::tcp::socket> stream{io, context};
    stream.next_layer().connect({asio::ip::make_address("127.0.0.1"), port});
    stream.handshake(asio::ssl::stream_base::client);
    asio::write(stream, asio::buffer(request));
    std::string answer;
    boost::system::error_code error;
    char chunk[4096];
    for (;;) {
      auto n = stream.read_some(asio::buffer(chunk), error);
      if (error) break;
      answer.append(chunk, n);
    }
    return answer;
  } catch (const std::exception&) {
    return {};
  }
}

}  // namespace

// HTTPS works end to end, with HSTS, and the upstream learns the client used https.
TEST_F(GatewayTest, TlsTermination) {
  auto tls_directory = directory() / "tls";
  std::filesystem::create_directories(tls_directory);
  auto key = (tls_directory / "key.pem").string();
  auto certificate = (tls_directory / "cert.pem").string();
  auto command =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
      "-subj /CN=localhost -keyout " +
      key + " -out " + certificate + " >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0) GTEST_SKIP() << "openssl cannot make a certificate";
  auto gateway = start_tls_gateway({{"PHONEBILL_UPSTREAM_AUTH", auth().url()},
                                    {"PHONEBILL_UPSTREAM_BILL_INQUIRY", bills(0).url()},
                                    {"PHONEBILL_TLS_CERT_FILE", certificate},
                                    {"PHONEBILL_TLS_KEY_FILE", key}},
                                   tls_directory);
  std::string ready;
  for (int i = 0; i < 100 && !ready.starts_with("HTTP/1.1 200"); ++i) {
    ready = https_exchange(gateway.port,
                           "GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    if (!ready.starts_with("HTTP/1.1 200"))
      std::this_thread::sleep_for(std::chrono::milliseconds{100});
  }
  ASSERT_TRUE(ready.starts_with("HTTP/1.1 200")) << ready << gateway.process->read_log();
  EXPECT_NE(ready.find("Strict-Transport-Security: max-age="), std::string::npos) << ready;
  auto proxied = https_exchange(gateway.port,
                                "GET /api/v1/bills/menu HTTP/1.1\r\nHost: x\r\n"
                                "Authorization: Bearer " +
                                    user01_token() + "\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(proxied.starts_with("HTTP/1.1 200")) << proxied;
  EXPECT_NE(proxied.find(R"("x-forwarded-proto":"https")"), std::string::npos) << proxied;
  auto plain = raw_exchange(gateway.port, "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n",
                            std::chrono::seconds{3});
  EXPECT_EQ(plain.find("HTTP/1.1 200"), std::string::npos);
  EXPECT_EQ(gateway.process->stop(std::chrono::seconds{5}), 0) << gateway.process->read_log();
}
