// What a domain use case returns (STYLE §5, like Envoy's doneWithStatus): a value, or a
// Refusal — the area's status enum saying why not, with the inputs that were wrong and,
// for a part that is down, when to try again. No HTTP here: each service keeps one table
// at its edge from status to answer (http/refusal.hpp renders it). Entry points: Result,
// Refusal, refuse.
#pragma once
#include <boost/system/result.hpp>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <utility>

#include "core/validation.hpp"

namespace phonebill {

template <typename Status>
struct Refusal {
  Status status;
  FieldErrors fields;                               // the wrong inputs (a validation refusal)
  std::optional<std::chrono::seconds> retry_after;  // when an unavailable part may be back
};

// boost::system::result's .value() on a refusal: a bug in the caller.
template <typename Status>
[[noreturn]] void throw_exception_from_error(const Refusal<Status>&,
                                             const boost::source_location&) {
  throw std::logic_error("value() of a refused Result");
}

template <typename T, typename Status>
using Result = boost::system::result<T, Refusal<Status>>;

template <typename Status>
Refusal<Status> refuse(Status status) {
  return Refusal<Status>{status, {}, std::nullopt};
}
template <typename Status>
Refusal<Status> refuse(Status status, FieldErrors fields) {
  return Refusal<Status>{status, std::move(fields), std::nullopt};
}
template <typename Status>
Refusal<Status> refuse(Status status, std::chrono::seconds retry_after) {
  return Refusal<Status>{status, {}, retry_after};
}

}  // namespace phonebill
