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

#include "http/client_message.hpp"
#include "http/request.hpp"

namespace boost::asio {
class io_context;
}

namespace phonebill::http {

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

  // Every client of the process: the idle pooled connections give their read buffers'
  // pages (8 KiB each, kept for the next answer) back to the system, for a process that
  // has gone quiet after a burst left many connections in the pools (Server's sweep,
  // http/quiet_period.hpp).
  static void release_idle_buffers();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace phonebill::http
