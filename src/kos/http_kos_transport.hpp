// HttpKosTransport: one KOS exchange over HTTP (http::HttpClient keep-alive pool) — one
// attempt, no retry, no breaker (ResilientKosTransport adds those). Classifies the
// answer: an envelope with 0000 or a business code is an answer; 9999 → kSystemError,
// 9001 → kRejected; 5xx, resets, unparseable bodies → kTransport; the deadline →
// kTimeout. Propagates X-Request-Id and traceparent. Entry point: exchange.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "core/clock.hpp"
#include "core/config.hpp"
#include "kos/http_kos_options.hpp"
#include "kos/kos_client.hpp"

namespace boost::asio {
class io_context;
}
namespace phonebill::http {
class HttpClient;
}

namespace phonebill::kos {

class HttpKosTransport final : public KosTransport {
 public:
  // `io` and `clock` must outlive the transport.
  HttpKosTransport(boost::asio::io_context& io, HttpKosOptions options, const Clock& clock);
  ~HttpKosTransport() override;

  boost::asio::awaitable<KosExchange> exchange(KosRequest request, KosCallContext context) override;

 private:
  std::unique_ptr<http::HttpClient> client_;
  const Clock& clock_;
};

}  // namespace phonebill::kos
