// How kos-sim answers: KOS's legacy envelope with HTTP 200 even for business errors,
// 400 + 9001 for malformed input, 503 for a simulated outage, and the fault plan
// (latency, timeouts, 9999) carried out before a request is handled.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include <optional>

#include "core/clock.hpp"
#include "core/validation.hpp"
#include "fault_settings.hpp"
#include "http/api_error.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "kos/result_code.hpp"

namespace phonebill::kos_sim {

http::Response kos_answer(const http::Request& request, const Clock& clock, kos::KosResultCode code,
                          boost::json::value data = nullptr);
// 400 with resultCode 9001 and data {"errors": [{field, reason}, ...]}.
http::Response invalid_request_answer(const http::Request& request, const Clock& clock,
                                      const FieldErrors& errors);
// kos-sim's renderer for the server's own errors (404, 405, 413, 431, 500): KOS
// envelopes too, 9001 for client mistakes and 9999 for the rest.
http::ErrorRenderer kos_error_renderer(const Clock& clock);

// Carries out a fault plan: waits the delay, then returns the answer that replaces the
// real one (HTTP 503 outage, 9999), or waits until the request's deadline for a
// "never answer" plan; nullopt means "now handle the request normally".
boost::asio::awaitable<std::optional<http::Response>> apply_fault_plan(const FaultPlan& plan,
                                                                       const http::Request& request,
                                                                       const Clock& clock);

}  // namespace phonebill::kos_sim
