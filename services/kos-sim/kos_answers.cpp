// How kos-sim answers: KOS's legacy envelope, 9001 for bad input, injected faults.
#include "kos_answers.hpp"

#include "http/sleep.hpp"
#include "kos/codec.hpp"

namespace phonebill::kos_sim {

using kos::KosResultCode;

http::Response kos_answer(const http::Request& request, const Clock& clock, KosResultCode code,
                          boost::json::value data) {
  auto envelope = kos::make_envelope(code, std::move(data), clock.now(), request.trace_id);
  return http::json_response(kos::to_json(envelope), kos::http_status(code));
}

http::Response invalid_request_answer(const http::Request& request, const Clock& clock,
                                      const FieldErrors& errors) {
  auto envelope = kos::make_invalid_request_envelope(errors, clock.now(), request.trace_id);
  return http::json_response(kos::to_json(envelope),
                             kos::http_status(KosResultCode::kInvalidRequest));
}

http::ErrorRenderer kos_error_renderer(const Clock& clock) {
  return [&clock](const http::Request& request, const http::ApiError& error) {
    auto code = error.status < 500 ? KosResultCode::kInvalidRequest : KosResultCode::kSystemError;
    auto envelope = kos::make_envelope(code, boost::json::object{{"error", error.code}},
                                       clock.now(), request.trace_id, error.message);
    return http::json_response(kos::to_json(envelope), error.status);
  };
}

boost::asio::awaitable<std::optional<http::Response>> apply_fault_plan(const FaultPlan& plan,
                                                                       const http::Request& request,
                                                                       const Clock& clock) {
  co_await http::sleep_for(plan.delay);
  if (plan.outage) {
    co_return http::text_response("KOS-Order is unavailable (simulated outage)\n",
                                  "text/plain; charset=utf-8", 503);
  }
  if (plan.never_answer) {
    // Hold the request until its deadline: the caller's own timeout fires long before.
    co_await http::sleep_for(request.deadline - std::chrono::steady_clock::now());
    co_return kos_answer(request, clock, KosResultCode::kSystemError);
  }
  if (plan.system_error) co_return kos_answer(request, clock, KosResultCode::kSystemError);
  co_return std::nullopt;
}

}  // namespace phonebill::kos_sim
