// Small pieces every kos-sim handler shares: body parsing into FieldErrors and the
// answer for a database failure (KOS's own system error, 9999).
#pragma once
#include <boost/json/value.hpp>

#include <optional>

#include "core/json.hpp"
#include "core/log.hpp"
#include "core/validation.hpp"
#include "http/request.hpp"
#include "kos_answers.hpp"
#include "storage/pg_result.hpp"

namespace phonebill::kos_sim {

inline std::optional<boost::json::value> parse_body(const http::Request& request,
                                                    FieldErrors& errors) {
  auto body = parse_json(request.body);
  if (!body) errors.add("body", "malformed JSON");
  return body;
}

inline http::Response database_failure(const http::Request& request, const Clock& clock,
                                       const storage::PgError& error) {
  log::error("database_failed", {{"route", request.route},
                                 {"requestId", request.request_id},
                                 {"error", storage::describe(error)}});
  return kos_answer(request, clock, kos::KosResultCode::kSystemError);
}

inline phonebill::Deadline store_deadline(const http::Request& request) { return request.deadline; }

}  // namespace phonebill::kos_sim
