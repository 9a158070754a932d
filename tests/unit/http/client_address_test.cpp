// The server's client address (SPEC §4 trusted proxies) and instance identity: a PROXY v2
// header or X-Forwarded-For from a trusted peer names the client; from anyone else a PROXY
// header closes the connection and X-Forwarded-For is ignored. /readyz and /metrics name
// the instance (PHONEBILL_INSTANCE).
#include <boost/json/serialize.hpp>

#include "server_fixture.hpp"

namespace phonebill::http::testing {
namespace {

const std::string kSignature{"\r\n\r\n\0\r\nQUIT\n", 12};

// PROXY v2 over TCP/IPv4 from 192.0.2.10:51000.
std::string proxy_header(std::uint8_t command = 0x21) {
  std::string bytes = kSignature;
  for (int byte :
       {int(command), 0x11, 0x00, 0x0c, 192, 0, 2, 10, 127, 0, 0, 1, 0xc7, 0x38, 0x1f, 0x90})
    bytes.push_back(char(byte));
  return bytes;
}

class ClientAddressTest : public ServerTest {
 protected:
  void start_with(std::string trusted) {
    Router router;
    router.add("GET", "/whoami", [](Request& request) -> asio::awaitable<Response> {
      // The client, then what X-Forwarded-For still says once the trusted hops are gone.
      co_return text_response(
          request.remote_address + " [" + std::string{request.header("x-forwarded-for")} + "]",
          "text/plain");
    });
    ServerOptions options;
    options.trusted_proxies = TrustedProxies::parse(trusted);
    options.header_timeout = 500ms;
    start(std::move(router), options);
  }
  static std::string body_of(const std::string& answer) {
    auto end = answer.find("\r\n\r\n");
    return end == std::string::npos ? std::string{} : answer.substr(end + 4);
  }
  static constexpr const char* kWhoami = "GET /whoami HTTP/1.1\r\nHost: x\r\nConnection: close\r\n";
};

TEST_F(ClientAddressTest, AProxyHeaderFromATrustedPeerNamesTheClient) {
  start_with("127.0.0.1/32");
  auto answer = raw_exchange(proxy_header() + kWhoami + "\r\n");
  EXPECT_EQ(body_of(answer), "192.0.2.10 []") << answer;
  // The header's client holds for every request on the connection and outranks
  // X-Forwarded-For, which stays what the client claimed (left of it upstream).
  auto kept = raw_exchange(proxy_header() +
                           "GET /whoami HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 6.6.6.6\r\n\r\n" +
                           kWhoami + "\r\n");
  auto first = kept.find("192.0.2.10 [6.6.6.6]");
  ASSERT_NE(first, std::string::npos) << kept;
  EXPECT_NE(kept.find("192.0.2.10 []", first + 1), std::string::npos) << kept;
}

// LOCAL is the balancer's own health check: the peer stands.
TEST_F(ClientAddressTest, ALocalHeaderKeepsThePeer) {
  start_with("127.0.0.1/32");
  EXPECT_EQ(body_of(raw_exchange(proxy_header(0x20) + kWhoami + "\r\n")), "127.0.0.1 []");
}

// A PROXY header from an untrusted peer, or a malformed one, closes the connection
// without an answer; the request behind it is never served.
TEST_F(ClientAddressTest, AProxyHeaderFromAnUntrustedPeerClosesTheConnection) {
  start_with("10.0.0.0/8");
  EXPECT_EQ(raw_exchange(proxy_header() + kWhoami + "\r\n"), "");
  EXPECT_EQ(send({"GET", "/whoami"}).response->body, "127.0.0.1 []");
}

TEST_F(ClientAddressTest, AMalformedProxyHeaderClosesTheConnection) {
  start_with("127.0.0.1/32");
  auto version1 = proxy_header(0x11);
  EXPECT_EQ(raw_exchange(version1 + kWhoami + "\r\n"), "");
  // Truncated, then the client gives up: no answer either.
  EXPECT_EQ(raw_exchange(proxy_header().substr(0, 20)), "");
}

TEST_F(ClientAddressTest, ForwardedForCountsOnlyFromATrustedPeer) {
  start_with("127.0.0.1/32");
  auto trusted =
      raw_exchange(std::string{kWhoami} + "X-Forwarded-For: 6.6.6.6, 198.51.100.7\r\n\r\n");
  EXPECT_EQ(body_of(trusted), "198.51.100.7 [6.6.6.6]") << trusted;
}

TEST_F(ClientAddressTest, ASpoofedForwardedForFromAnUntrustedPeerChangesNothing) {
  start_with("");
  auto spoofed = raw_exchange(std::string{kWhoami} + "X-Forwarded-For: 198.51.100.7\r\n\r\n");
  EXPECT_EQ(body_of(spoofed), "127.0.0.1 [198.51.100.7]") << spoofed;
}

TEST_F(ClientAddressTest, ReadyzAndMetricsNameTheInstance) {
  Router router;
  ServerOptions options;
  options.service_name = "bill-inquiry";
  options.instance = "bill-inquiry-2";
  start(std::move(router), options);
  auto ready = send({"GET", "/readyz"}).response;
  ASSERT_EQ(ready->status, 200);
  auto json = boost::json::parse(ready->body);
  EXPECT_EQ(json.at("instance"), "bill-inquiry-2") << ready->body;
  auto metrics = send({"GET", "/metrics"}).response->body;
  EXPECT_NE(metrics.find("phonebill_instance_info{service=\"bill-inquiry\",service_instance="
                         "\"bill-inquiry-2\"} 1"),
            std::string::npos)
      << metrics;
}

TEST(ServerOptionsTest, ReadsInstanceAndTrustedProxies) {
  auto options = ServerOptions::from_environment(
      Environment::from_map({{"PHONEBILL_INSTANCE", "gateway-2"},
                             {"PHONEBILL_TRUSTED_PROXIES", "127.0.0.1/32, ::1"}}),
      "gateway", 8080);
  EXPECT_EQ(options.instance, "gateway-2");
  EXPECT_TRUE(options.trusted_proxies.contains("::1"));
  EXPECT_FALSE(options.trusted_proxies.contains("127.0.0.2"));
  auto unset = ServerOptions::from_environment(Environment::from_map({}), "gateway", 8080);
  EXPECT_FALSE(unset.instance.empty());  // the host name
  EXPECT_TRUE(unset.trusted_proxies.empty());
  EXPECT_THROW(ServerOptions::from_environment(
                   Environment::from_map({{"PHONEBILL_INSTANCE", "a b\"c"}}), "gateway", 8080),
               ConfigError);
  EXPECT_THROW(
      ServerOptions::from_environment(
          Environment::from_map({{"PHONEBILL_TRUSTED_PROXIES", "10.0.0.0/40"}}), "gateway", 8080),
      ConfigError);
}

}  // namespace
}  // namespace phonebill::http::testing
