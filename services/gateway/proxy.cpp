// Forwards one request to an upstream: breaker, instance, timeout, a safe retry elsewhere.
#include "proxy.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "core/log.hpp"
#include "core/request_log.hpp"
#include "forward_headers.hpp"
#include "http/api_error.hpp"
#include "tracing/span.hpp"
#include "tracing/tracer.hpp"

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

// W3C Server-Timing: the time spent on the upstream (every attempt), for the client's
// developer tools and the gateway's access log (upstreamMs), in milliseconds with one
// decimal ("%.1f"). Fixed point from the clock's integer nanoseconds, not
// std::to_chars(double) (issue 17 item 2: 575 instructions per request): the same digits,
// except that a duration exactly half-way between two tenths (to the nanosecond) is
// rounded up where the double's binary value could round down.
// Added to the answer in place: a Response passed and returned by value was two moves more
// per request (issue 17 item 2).
// `ended`: when the last attempt ended.
void add_upstream_timing(http::Response& response, std::chrono::steady_clock::time_point started,
                         std::chrono::steady_clock::time_point ended) {
  auto nanoseconds = std::chrono::duration_cast<std::chrono::nanoseconds>(ended - started).count();
  auto tenths = (std::max<std::int64_t>(0, nanoseconds) + 50'000) / 100'000;
  static constexpr std::string_view kPrefix = "upstream;dur=";
  char value[48];
  kPrefix.copy(value, kPrefix.size());
  auto* end = std::to_chars(value + kPrefix.size(), value + sizeof value, tenths / 10).ptr;
  *end++ = '.';
  *end++ = char('0' + tenths % 10);
  if (response.add_header_line("Server-Timing", std::string_view{value, std::size_t(end - value)}))
    response.upstream_tenths = tenths;
}

// One attempt's client span (not recording when tracing is off): the upstream's own span
// hangs under it. Its name and attribute keys are strings: built only when tracing is on
// (issue 17, mallocs).
tracing::Span attempt_span(const Upstream& upstream, const UpstreamInstance& instance,
                           const http::Request& request, int attempt) {
  if (tracing::tracer() == nullptr) return tracing::Span{};
  auto span = tracing::Span::child_of("upstream " + std::string{upstream.name()},
                                      tracing::SpanKind::kClient, request.traceparent);
  if (span.recording()) {
    span.set_attribute("phonebill.upstream.instance", instance.label());
    span.set_attribute("phonebill.attempt", std::int64_t{attempt});
  }
  return span;
}

// One attempt's upstream request: the traceparent the upstream sees names this attempt's
// span, not the gateway's; the client's own retry of a stale pooled connection follows
// the route's replay rule. One named result, returned in place (NRVO).
http::ClientRequest attempt_request(const http::Request& request, const ProxyOptions& options,
                                    const tracing::Span& span) {
  auto attempt_traceparent = span.recording() ? span.context().traceparent() : std::string{};
  auto outgoing = upstream_request(request, options.tls, attempt_traceparent);
  if (options.replay_safe) outgoing.idempotent = true;
  return outgoing;
}

// One attempt's call to `instance`. Not a coroutine: the upstream request is built here,
// not held in forward()'s frame, and built right in the client's parameter (a returned
// value, not a local moved in: the move was seven std::string moves per request, issue 17
// item 2).
boost::asio::awaitable<http::ClientResult> send_attempt(UpstreamInstance& instance,
                                                        const http::Request& request,
                                                        const ProxyOptions& options,
                                                        const tracing::Span& span,
                                                        Deadline deadline) {
  return instance.client().send(attempt_request(request, options, span), deadline);
}

// The upstream's answer for the client, with the time spent on the upstream.
http::Response upstream_answer(http::ClientResult& result, const http::Request& request,
                               std::chrono::steady_clock::time_point upstream_started,
                               std::chrono::steady_clock::time_point ended) {
  auto answer = client_response(std::move(*result.response), request.method);
  add_upstream_timing(answer, upstream_started, ended);
  return answer;
}

// After an attempt: its span ended, its metrics and the instance's health recorded, a
// failure logged. Its outcome.
AttemptOutcome finish_attempt(Upstream& upstream, UpstreamInstance& instance,
                              http::Request& request, GatewayMetrics& metrics,
                              const http::ClientResult& result, tracing::Span& span,
                              std::chrono::steady_clock::time_point started,
                              std::chrono::steady_clock::time_point ended, int attempt) {
  auto outcome = outcome_of(result);
  if (span.recording() && result.ok()) {
    span.set_attribute("http.response.status_code", std::int64_t{result.response->status});
    if (result.response->status >= 500)
      span.set_error("HTTP " + std::to_string(result.response->status));
  } else if (span.recording()) {
    span.set_error(result.error->message);
  }
  span.end();
  metrics.record_attempt(
      upstream, instance, outcome,
      std::chrono::duration<double>(ended - started).count());
  upstream.report_result(instance, outcome != AttemptOutcome::kResponse);
  request.upstream = instance.label();
  if (outcome == AttemptOutcome::kResponse) return outcome;
  // The gateway's span for this request: the attempt's own span has ended.
  auto fields = log::request_log_fields(request.request_id, request.traceparent);
  fields["upstream"] = upstream.name();
  fields["upstreamInstance"] = instance.label();  // "instance" is this gateway's
  fields["error"] = result.error->message;
  fields["attempt"] = attempt;
  log::warn("upstream_failed", std::move(fields));
  return outcome;
}

// The gateway's answer when no attempt got one: 504 after a timeout, else 503.
http::Response failure_answer(Upstream& upstream, const http::Request& request,
                              GatewayMetrics& metrics, const http::ClientResult& result,
                              std::chrono::steady_clock::time_point upstream_started) {
  if (!result.ok() && result.error && result.error->kind == http::ClientErrorKind::kTimeout) {
    auto answer =
        http::error_response(request, http::common_error(http::CommonError::kUpstreamTimeout));
    add_upstream_timing(answer, upstream_started, std::chrono::steady_clock::now());
    return answer;
  }
  if (!result.error) metrics.record_rejected(upstream, "no_instance");
  auto answer = unavailable(request, std::chrono::seconds{1});
  add_upstream_timing(answer, upstream_started, std::chrono::steady_clock::now());
  return answer;
}

}  // namespace

// A coroutine holding only what lives across the upstream call; the rest is in the plain
// functions above, so the frame stays small (issue 17 item 2: 1,152 bytes, past the 1,020
// bytes of Asio's per-thread frame cache, a malloc per request).
boost::asio::awaitable<http::Response> forward(Upstream& upstream, http::Request& request,
                                               GatewayMetrics& metrics, ProxyOptions options) {
  auto permit = upstream.breaker().try_acquire();
  if (!permit) {
    metrics.record_rejected(upstream, "breaker_open");
    co_return unavailable(request, std::chrono::ceil<std::chrono::seconds>(permit.retry_after()));
  }
  // One clock reading for the deadline, the upstream time and the first attempt's start
  // (each reading is a vDSO call: issue 17 item 2 counted a dozen per proxied request).
  auto upstream_started = std::chrono::steady_clock::now();
  auto deadline = std::min(request.deadline, upstream_started + upstream.timeout());
  UpstreamInstance* previous = nullptr;
  http::ClientResult result;
  for (int attempt = 1; attempt <= 2; ++attempt) {
    auto* instance = upstream.pick(previous);
    if (instance == nullptr) break;
    if (attempt == 2) metrics.record_retry(upstream);
    auto started = attempt == 1 ? upstream_started : std::chrono::steady_clock::now();
    auto span = attempt_span(upstream, *instance, request, attempt);
    {
      UpstreamInstance::InFlight counted{*instance};
      result = co_await send_attempt(*instance, request, options, span, deadline);
    }
    // One reading for the attempt's duration and the answer's Server-Timing.
    auto ended = std::chrono::steady_clock::now();
    auto outcome = finish_attempt(upstream, *instance, request, metrics, result, span, started,
                                  ended, attempt);
    if (outcome == AttemptOutcome::kResponse) {
      permit.succeed();
      co_return upstream_answer(result, request, upstream_started, ended);
    }
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
  co_return failure_answer(upstream, request, metrics, result, upstream_started);
}

}  // namespace phonebill::gateway
