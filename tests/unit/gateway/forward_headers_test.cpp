// Header hygiene both ways: identity headers from clients never reach an upstream; our
// request id, traceparent and X-Forwarded-* do; hop-by-hop headers stay on their hop.
#include <gtest/gtest.h>

#include "forward_headers.hpp"

using namespace phonebill;
using namespace phonebill::gateway;

namespace {

std::vector<std::string> values(const http::HeaderList& headers, std::string_view name) {
  std::vector<std::string> found;
  for (const auto& [key, value] : headers)
    if (key == name) found.push_back(value);
  return found;
}

// The fields of an upstream request: `headers`, then those rendered into header_lines.
http::HeaderList fields_of(const http::ClientRequest& upstream) {
  http::HeaderList fields = upstream.headers;
  std::string_view lines = upstream.header_lines;
  while (lines.starts_with("\r\n")) {
    lines.remove_prefix(2);
    auto end = std::min(lines.find("\r\n"), lines.size());
    auto line = lines.substr(0, end);
    auto colon = line.find(": ");
    fields.emplace_back(std::string{line.substr(0, colon)}, std::string{line.substr(colon + 2)});
    lines.remove_prefix(end);
  }
  EXPECT_TRUE(lines.empty()) << "header_lines ends with a partial line: " << lines;
  return fields;
}

http::Request client_request() {
  http::Request request;
  request.method = "POST";
  request.path = "/api/v1/bills/inquiry";
  request.query = "a=1";
  request.body = R"({"x":1})";
  request.request_id = "req-1";
  request.traceparent = "00-0123456789abcdef0123456789abcdef-0123456789abcdef-01";
  request.remote_address = "10.0.0.7";
  request.headers = {{"host", "gw.example"},
                     {"authorization", "Bearer abc"},
                     {"content-type", "application/json"},
                     {"x-user-id", "admin"},
                     {"x-user-permissions", "ADMIN"},
                     {"x-authenticated-user", "admin"},
                     {"x-customer-id", "C1"},
                     {"x-forwarded-user", "admin"},
                     {"x-real-ip", "1.2.3.4"},
                     {"x-request-id", "client-chosen"},
                     {"traceparent", "00-ffffffffffffffffffffffffffffffff-ffffffffffffffff-01"},
                     {"x-forwarded-for", "192.0.2.1"},
                     {"connection", "keep-alive, x-custom"},
                     {"transfer-encoding", "chunked"},
                     {"accept", "application/json"},
                     {"idempotency-key", "k1"}};
  return request;
}

}  // namespace

// Spoofed identity headers are dropped; Authorization and ordinary headers pass.
TEST(ForwardHeadersTest, StripsIdentityHeaders) {
  auto upstream = upstream_request(client_request(), false);
  for (auto name : {"x-user-id", "x-user-permissions", "x-authenticated-user", "x-customer-id",
                    "x-forwarded-user", "x-real-ip", "connection", "transfer-encoding", "host"}) {
    EXPECT_TRUE(values(fields_of(upstream), name).empty()) << name;
  }
  EXPECT_EQ(values(fields_of(upstream), "authorization"), std::vector<std::string>{"Bearer abc"});
  EXPECT_EQ(values(fields_of(upstream), "accept"), std::vector<std::string>{"application/json"});
  EXPECT_EQ(values(fields_of(upstream), "idempotency-key"), std::vector<std::string>{"k1"});
  EXPECT_EQ(upstream.content_type, "application/json");
  EXPECT_EQ(upstream.target, "/api/v1/bills/inquiry?a=1");
  EXPECT_EQ(upstream.body, R"({"x":1})");
}

// Our request id and traceparent replace the client's; the peer joins X-Forwarded-For.
TEST(ForwardHeadersTest, AddsTracingAndForwardedHeaders) {
  auto upstream = upstream_request(client_request(), true);
  EXPECT_EQ(values(fields_of(upstream), "x-request-id"), std::vector<std::string>{"req-1"});
  EXPECT_EQ(values(fields_of(upstream), "traceparent"),
            std::vector<std::string>{"00-0123456789abcdef0123456789abcdef-0123456789abcdef-01"});
  EXPECT_EQ(values(fields_of(upstream), "x-forwarded-for"),
            std::vector<std::string>{"192.0.2.1, 10.0.0.7"});
  EXPECT_EQ(values(fields_of(upstream), "x-forwarded-proto"), std::vector<std::string>{"https"});
  EXPECT_EQ(values(fields_of(upstream), "x-forwarded-host"),
            std::vector<std::string>{"gw.example"});
}

// Every X-Forwarded-For field counts, in order, and the client comes last: upstreams read
// the rightmost entry as the client.
TEST(ForwardHeadersTest, JoinsEveryForwardedForFieldAndAppendsTheClient) {
  auto request = client_request();
  request.headers.emplace_back("x-forwarded-for", "198.51.100.7, 203.0.113.1");
  auto upstream = upstream_request(request, false);
  EXPECT_EQ(values(fields_of(upstream), "x-forwarded-for"),
            std::vector<std::string>{"192.0.2.1, 198.51.100.7, 203.0.113.1, 10.0.0.7"});
}

// Identity header recognition covers prefixes, not only exact names.
TEST(ForwardHeadersTest, IdentityHeaderNames) {
  EXPECT_TRUE(is_identity_header("x-user-anything"));
  EXPECT_TRUE(is_identity_header("x-userid"));
  EXPECT_TRUE(is_identity_header("x-auth-request-user"));
  EXPECT_TRUE(is_identity_header("x-permissions"));
  EXPECT_FALSE(is_identity_header("authorization"));
  EXPECT_FALSE(is_identity_header("x-request-id"));
}

// The upstream's answer keeps its headers but not the hop-by-hop ones nor its own ids.
TEST(ForwardHeadersTest, ResponseHeaders) {
  http::ClientResponse upstream;
  upstream.status = 201;
  upstream.body = "{}";
  upstream.headers = {
      {"content-type", "application/json"}, {"content-length", "2"},    {"connection", "close"},
      {"location", "/api/v1/x/1"},          {"x-request-id", "theirs"}, {"retry-after", "3"}};
  auto response = client_response(std::move(upstream), "POST");
  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.body, "{}");
  EXPECT_EQ(values(response.headers, "location"), std::vector<std::string>{"/api/v1/x/1"});
  EXPECT_EQ(values(response.headers, "retry-after"), std::vector<std::string>{"3"});
  EXPECT_TRUE(values(response.headers, "content-length").empty());
  EXPECT_TRUE(values(response.headers, "connection").empty());
  EXPECT_TRUE(values(response.headers, "x-request-id").empty());
}

// The answer to a HEAD keeps the upstream's Content-Length (the GET's length, RFC 9110
// §9.3.2) for the server to announce; any other answer's is dropped as framing.
TEST(ForwardHeadersTest, HeadAnswerKeepsItsLength) {
  http::ClientResponse upstream;
  upstream.status = 200;
  upstream.headers = {{"content-type", "application/json"}, {"content-length", "1234"}};
  auto head = client_response(http::ClientResponse{upstream}, "HEAD");
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(values(head.headers, "content-length"), std::vector<std::string>{"1234"});
  auto get = client_response(http::ClientResponse{upstream}, "GET");
  EXPECT_TRUE(values(get.headers, "content-length").empty());
}

// Every hop-by-hop name, and names of the same lengths that are not (the names are told
// apart by their length first: each length's names are compared whole).
TEST(ForwardHeadersTest, HopByHopNames) {
  for (auto name : {"te", "host", "trailer", "upgrade", "connection", "keep-alive",
                    "content-length", "proxy-connection", "transfer-encoding",
                    "proxy-authenticate", "proxy-authorization"}) {
    EXPECT_TRUE(is_hop_by_hop(name)) << name;
  }
  for (auto name : {"", "t", "tf", "hose", "trailers", "upgradE", "connexion", "keep-alivf",
                    "content-lengths", "content-type", "proxy-connectioN", "transfer-encodinf",
                    "proxy-authenticatf", "proxy-authorizatiom", "authorization", "accept"}) {
    EXPECT_FALSE(is_hop_by_hop(name)) << name;
  }
}

// What may go back to the client: not what the server writes itself (Date, Server,
// X-Request-Id, traceparent), nor a hop-by-hop field, but Content-Length (for a HEAD).
TEST(ForwardHeadersTest, NamesThatMayReachTheClient) {
  for (auto name : {"content-length", "content-type", "location", "retry-after", "etag",
                    "x-trace", "dates", "servers", "traceparents", "x-request-ids", "set-cookie"})
    EXPECT_TRUE(may_reach_client(name)) << name;
  for (auto name : {"date", "server", "traceparent", "x-request-id", "connection", "keep-alive",
                    "transfer-encoding", "te", "trailer", "upgrade", "host", "proxy-connection"})
    EXPECT_FALSE(may_reach_client(name)) << name;
}

// The identity headers by exact name (after the prefixes).
TEST(ForwardHeadersTest, IdentityHeaderExactNames) {
  for (auto name : {"remote-user", "forwarded", "x-remote-user", "x-forwarded-user", "x-real-ip",
                    "x-original-url"})
    EXPECT_TRUE(is_identity_header(name)) << name;
  for (auto name : {"remote-users", "forwarde", "x-remote-usr", "x-real-ips", "x-original-uri",
                    "x-forwarded-for", "x-forwarded-host"})
    EXPECT_FALSE(is_identity_header(name)) << name;
}
