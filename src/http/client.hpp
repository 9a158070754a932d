// HTTP/1.1 client with a keep-alive connection pool per upstream and a deadline
// on every call (STYLE §6). Used for KOS calls, the gateway's upstreams and tests.
// Errors are values: a timeout, a failed connect, or a broken transport. An error says
// exactly whether any byte of the request went out (request_sent), over every connection
// the call used, and a request that is not idempotent is never written twice.
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
  std::string host = "127.0.0.1";  // a name or an address; IPv6 without brackets
  std::uint16_t port = 80;
  std::size_t max_idle_connections = 64;
  std::size_t response_body_limit = 8 * 1024 * 1024;
  // A pooled connection idle longer than this is closed instead of reused: it must stay
  // below the servers' keep-alive idle timeout (PHONEBILL_IDLE_TIMEOUT_MS, 60 s), or a
  // burst leaves hundreds of connections that the server closes all at once later.
  std::chrono::milliseconds max_idle_time{15'000};
};

// GET, HEAD, PUT, DELETE, OPTIONS, TRACE (RFC 9110 §9.2.2): the effect of sending twice
// is the effect of sending once.
bool is_idempotent_method(std::string_view method);

struct ClientRequest {
  std::string method = "GET";
  std::string target = "/";
  std::string body;
  std::string content_type = "application/json";
  HeaderList headers;
  // Unset: decided by the method. Set to true when the receiver makes a repeat harmless
  // (KOS is idempotent on requestId); only such a request is written again on a fresh
  // connection after a pooled one failed once bytes of it had gone out.
  std::optional<bool> idempotent;
  bool is_idempotent() const { return idempotent.value_or(is_idempotent_method(method)); }
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
  // false: no byte of the request was written on any connection, so it is safe to retry
  // elsewhere even if not idempotent; true: the upstream may have acted on it.
  bool request_sent = true;
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

  // Sends one request on a pooled connection (a new one if none is idle). Pooled
  // connections the peer has closed meanwhile are dropped before use. A reused connection
  // that still fails with nothing answered is replaced by a new one (never another pooled
  // one, which may be just as stale) if no byte went out or the request is idempotent;
  // otherwise the error comes back with request_sent = true.
  boost::asio::awaitable<ClientResult> send(ClientRequest request, Deadline deadline);

  std::size_t idle_connections() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace phonebill::http
