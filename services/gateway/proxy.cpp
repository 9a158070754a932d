// Forwards one request to an upstream: breaker, instance, timeout, a safe retry elsewhere.
#include "proxy.hpp"

#include <algorithm>

#include "core/log.hpp"
#include "forward_headers.hpp"
#include "http/api_error.hpp"

namespace phonebill::gateway {
namespace {

AttemptOutcome outcome_of(const http::ClientResult& result) {
  if (result.ok()) return AttemptOutcome::kResponse;
  switch (result.error->kind) {
    case http::ClientErrorKind::kTimeout:
      return AttemptOutcome::kTimeout;
    case http::ClientErrorKind::kConnectFailed:
      return AttemptOutcome::kConnectFailed;
    case http::ClientErrorKind::kTransport:
      return AttemptOutcome::kTransport;
  }
  return AttemptOutcome::kTransport;
}

http::Response unavailable(const http::Request& request, std::chrono::seconds retry_after) {
  auto response =
      http::error_response(request, http::common_error(http::CommonError::kServiceUnavailable));
  response.set_header("Retry-After",
                      std::to_string(std::max<std::int64_t>(1, retry_after.count())));
  return response;
}

}  // namespace

boost::asio::awaitable<http::Response> forward(Upstream& upstream, http::Request& request,
                                               GatewayMetrics& metrics, ProxyOptions options) {
  auto permit = upstream.breaker().try_acquire();
  if (!permit) {
    metrics.record_rejected(upstream, "breaker_open");
    co_return unavailable(request, std::chrono::ceil<std::chrono::seconds>(permit.retry_after()));
  }
  auto deadline = std::min(request.deadline, std::chrono::steady_clock::now() + upstream.timeout());
  UpstreamInstance* previous = nullptr;
  http::ClientResult result;
  for (int attempt = 1; attempt <= 2; ++attempt) {
    auto* instance = upstream.pick(previous);
    if (instance == nullptr) break;
    if (attempt == 2) metrics.record_retry(upstream);
    auto started = std::chrono::steady_clock::now();
    {
      UpstreamInstance::InFlight counted{*instance};
      auto outgoing = upstream_request(request, options.tls);
      // The client's own retry of a stale pooled connection follows the same rule.
      if (options.replay_safe) outgoing.idempotent = true;
      result = co_await instance->client().send(std::move(outgoing), deadline);
    }
    auto outcome = outcome_of(result);
    metrics.record_attempt(
        upstream, *instance, outcome,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    upstream.report_result(*instance, outcome != AttemptOutcome::kResponse);
    if (outcome == AttemptOutcome::kResponse) {
      request.upstream = instance->label();
      permit.succeed();
      co_return client_response(std::move(*result.response), request.method);
    }
    log::warn("upstream_failed", {{"upstream", upstream.name()},
                                  {"instance", instance->label()},
                                  {"requestId", request.request_id},
                                  {"error", result.error->message},
                                  {"attempt", attempt}});
    request.upstream = instance->label();
    if (outcome == AttemptOutcome::kTimeout) break;  // the deadline is spent
    // Retry elsewhere only what cannot have had an effect, or may safely have one twice.
    // request_sent covers every connection the client used (a stale pooled one included):
    // a refresh that reached auth and is sent again would end the session as a reuse.
    bool retryable = !result.error->request_sent || http::is_idempotent_method(request.method) ||
                     options.replay_safe;
    if (!retryable || std::chrono::steady_clock::now() >= deadline) break;
    previous = instance;
  }
  permit.fail();
  if (!result.ok() && result.error && result.error->kind == http::ClientErrorKind::kTimeout)
    co_return http::error_response(request,
                                   http::common_error(http::CommonError::kUpstreamTimeout));
  if (!result.error) metrics.record_rejected(upstream, "no_instance");
  co_return unavailable(request, std::chrono::seconds{1});
}

}  // namespace phonebill::gateway
