// respond: an Outcome (value or Failure) rendered as the SPEC §2 envelope.
#include "http/outcome.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <stdexcept>

namespace phonebill::http {
namespace {

// When a 503 carries no estimate of its own (details.retryAfterSeconds), clients are told
// to come back after this long.
constexpr std::int64_t kDefaultRetryAfterSeconds = 1;

}  // namespace

void throw_exception_from_error(const Failure& failure, const boost::source_location&) {
  throw std::logic_error("value() of a failed Outcome: " + failure.error.code);
}

Response respond(const Request& request, const Failure& failure) {
  auto response = error_response(request, failure.error);
  const auto& details = failure.error.details;
  std::optional<std::int64_t> retry_after;
  if (details.is_object()) {
    if (auto* retry = details.as_object().if_contains("retryAfterSeconds");
        retry && retry->is_number())
      retry_after = std::max<std::int64_t>(retry->to_number<std::int64_t>(), 1);
  }
  // A 503 without an estimate (KOS failed on this very call, a full bulkhead, a replayed
  // answer stored without details) still says when to come back: clients and the web app
  // wait on Retry-After instead of guessing, as the API document promises.
  if (!retry_after && failure.error.status == 503) retry_after = kDefaultRetryAfterSeconds;
  if (retry_after) response.set_header("Retry-After", std::to_string(*retry_after));
  response.set_header("Cache-Control", "no-store");
  return response;
}

Response respond(const Request& request, const Outcome<boost::json::object>& outcome, int status) {
  if (!outcome) return respond(request, outcome.error());
  auto response = success_response(*outcome, status);
  response.set_header("Cache-Control", "no-store");
  return response;
}

}  // namespace phonebill::http
