// The filters every history list takes (SPEC §5, §6): ?lineNumber&from&to&status&page&size,
// validated into the filter a store runs. Each service says which statuses exist; the
// rest (line number forms, YYYY-MM-DD dates, from ≤ to, SPEC §2 pagination) is the same
// everywhere. Entry points: HistoryQuery::from_request, validate_history_query.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/validation.hpp"
#include "http/pagination.hpp"
#include "http/request.hpp"

namespace phonebill::http {

struct HistoryQuery {
  std::optional<std::string> line_number, from, to, status, page, size;

  static HistoryQuery from_request(const Request& request);
};

struct HistoryFilter {
  std::string user_id;
  std::optional<std::string> line_number;  // canonical
  std::optional<std::string> from;         // YYYY-MM-DD
  std::optional<std::string> to;
  std::optional<std::string> status;
  PageRequest page;
};

struct HistoryStatuses {
  std::function<bool(std::string_view)> known;
  std::string reason;  // the field error when a status is not known: "must be A or B"
};

// The filter for `user_id`'s history; every bad field adds a FieldError (the caller
// answers VALIDATION_ERROR when `errors` is not empty).
HistoryFilter validate_history_query(const HistoryQuery& query, std::string user_id,
                                     const HistoryStatuses& statuses, FieldErrors& errors);

}  // namespace phonebill::http
