// HttpKosTransport: see http_kos_transport.hpp.
#include "kos/http_kos_transport.hpp"

#include "core/base_url.hpp"
#include "core/json.hpp"
#include "http/client.hpp"
#include "kos/codec.hpp"

namespace phonebill::kos {

HttpKosOptions HttpKosOptions::from_base_url(const std::string& urls) {
  auto url = parse_base_url_list("PHONEBILL_UPSTREAM_KOS_SIM", urls).front();
  HttpKosOptions options;
  options.host = std::move(url.host);
  options.port = url.port;
  return options;
}

HttpKosTransport::HttpKosTransport(boost::asio::io_context& io, HttpKosOptions options,
                                   const Clock& clock)
    : client_(std::make_unique<http::HttpClient>(
          io, http::ClientOptions{options.host, options.port, options.max_idle_connections,
                                  8 * 1024 * 1024})),
      clock_(clock) {}

HttpKosTransport::~HttpKosTransport() = default;

boost::asio::awaitable<KosExchange> HttpKosTransport::exchange(KosRequest request,
                                                               KosCallContext context) {
  http::ClientRequest sent;
  sent.method = request.method;
  sent.target = request.target;
  sent.body = std::move(request.body);
  // Every KOS call is a read or carries its requestId, on which KOS is idempotent (SPEC
  // §7): the client may send it again on a fresh connection after a stale pooled one.
  sent.idempotent = true;
  if (!context.request_id.empty()) sent.headers.emplace_back("X-Request-Id", context.request_id);
  if (!context.traceparent.empty()) sent.headers.emplace_back("traceparent", context.traceparent);

  KosExchange result;
  KosAttempt attempt;
  attempt.started_at = clock_.now();
  const auto started = clock_.steady_now();
  auto answer = co_await client_->send(std::move(sent), context.deadline);
  attempt.finished_at = clock_.now();
  attempt.elapsed = clock_.steady_now() - started;
  auto fail = [&](KosFailureKind kind, std::string message) {
    attempt.failure = kind;
    attempt.result_message = message;
    result.failure = KosFailure{kind, std::move(message), {}};
  };

  if (!answer.ok()) {
    bool timeout = answer.error->kind == http::ClientErrorKind::kTimeout;
    fail(timeout ? KosFailureKind::kTimeout : KosFailureKind::kTransport, answer.error->message);
  } else if (answer.response->status >= 500) {
    fail(KosFailureKind::kTransport, "HTTP " + std::to_string(answer.response->status));
  } else {
    FieldErrors errors;
    auto body = parse_json(answer.response->body);
    auto envelope = body ? parse_envelope(*body, errors) : std::nullopt;
    if (!envelope) {
      fail(KosFailureKind::kTransport,
           "HTTP " + std::to_string(answer.response->status) + " without a KOS envelope");
    } else {
      result.code = envelope->result_code;
      result.message = envelope->result_message;
      result.data = std::move(envelope->data);
      attempt.result_code = envelope->result_code;
      attempt.result_message = envelope->result_message;
      if (envelope->result_code == KosResultCode::kSystemError) {
        attempt.failure = KosFailureKind::kSystemError;
        result.failure = KosFailure{KosFailureKind::kSystemError, envelope->result_message, {}};
      } else if (envelope->result_code == KosResultCode::kInvalidRequest) {
        attempt.failure = KosFailureKind::kRejected;
        result.failure = KosFailure{KosFailureKind::kRejected, envelope->result_message, {}};
      }
    }
  }
  result.attempts.push_back(std::move(attempt));
  co_return result;
}

}  // namespace phonebill::kos
