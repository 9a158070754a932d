// Small pieces every kos-sim handler shares: the JSON body into FieldErrors and the
// answer for a database failure (KOS's own system error, 9999).
#pragma once
#include <boost/json/value.hpp>

#include <optional>

#include "core/log.hpp"
#include "core/validation.hpp"
#include "http/json_body.hpp"
#include "http/request.hpp"
#include "kos_answers.hpp"
#include "storage/pg_result.hpp"

namespace phonebill::kos_sim {

// The body through the one JSON body reader (http/json_body.hpp: a blank body is an empty
// object); what is wrong with it lands in `errors`, answered as 9001.
inline std::optional<boost::json::value> parse_body(const http::Request& request,
                                                    FieldErrors& errors) {
  auto body = http::read_json_object(request);
  if (body) return boost::json::value(std::move(*body));
  // result::error() answers a copy: keep it, or the loop would walk a destroyed list.
  const auto refusal = body.error();
  if (refusal.status == http::BodyStatus::kInvalidJson) errors.add("body", "malformed JSON");
  for (const auto& field : refusal.fields.list()) errors.add(field.field, field.reason);
  return std::nullopt;
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
