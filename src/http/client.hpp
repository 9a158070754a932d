// HTTP/1.1 client with a keep-alive connection pool per upstream and a deadline
// on every call (STYLE §6). Used for KOS calls, the gateway's upstreams and tests.
// Errors are values: a timeout, a failed connect, or a broken transport.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "http/request.hpp"

namespace boost::asio {
class io_context;
}

namespace phonebill::http {

struct ClientOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 80;
  std::size_t max_idle_connections = 64;
  std::size_t response_body_limit = 8 * 1024 * 1024;
  // A pooled connection idle longer than this is closed instead of reused: it must stay
  // below the servers' keep-alive idle timeout (PHONEBILL_IDLE_TIMEOUT_MS, 60 s), or a
  // burst leaves hundreds of connections that the server closes all at once later.
  std::chrono::milliseconds max_idle_time{15'000};
};

struct ClientRequest {
  std::string method = "GET";
  std::string target = "/";
  std::string body;
  std::string content_type = "application/json";
  HeaderList headers;
};

struct ClientResponse {
  int status = 0;
  std::string body;
  HeaderList headers;  // names lower-cased
  std::string_view header(std::string_view lowercase_name) const;
};

enum class ClientErrorKind {
  kTimeout,        // the deadline passed (connect, write or read)
  kConnectFailed,  // nothing accepted the connection: the request never left
  kTransport,      // reset or malformed answer after the request may have been sent
};

struct ClientError {
  ClientErrorKind kind;
  std::string message;
  bool request_sent = true;  // false: safe to retry elsewhere even if not idempotent
};

struct ClientResult {
  std::optional<ClientResponse> response;
  std::optional<ClientError> error;
  bool ok() const { return response.has_value(); }
};

class HttpClient {
 public:
  HttpClient(boost::asio::io_context& io, ClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request on a pooled connection (a new one if none is idle). A reused
  // connection that turns out to be closed by the peer is replaced by a new one,
  // transparently (never by another pooled one, which may be just as stale).
  boost::asio::awaitable<ClientResult> send(ClientRequest request, Deadline deadline);

  std::size_t idle_connections() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace phonebill::http
