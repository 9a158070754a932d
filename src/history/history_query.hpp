// The filters every history list takes (SPEC §5, §6): lineNumber, from, to, status, page
// and size as the caller sent them, validated into the filter a store runs. Each service
// says which statuses exist; the rest (line number forms, YYYY-MM-DD dates, from ≤ to,
// SPEC §2 pagination) is the same everywhere. No HTTP: http/history_query.hpp reads a
// request's query string into a HistoryQuery. Entry points: HistoryQuery,
// validate_history_query.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/validation.hpp"
#include "history/page.hpp"

namespace phonebill::history {

// The raw parameters (absent when not sent).
struct HistoryQuery {
  std::optional<std::string> line_number, from, to, status, page, size;
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
// refuses with the field errors when `errors` is not empty).
HistoryFilter validate_history_query(const HistoryQuery& query, std::string user_id,
                                     const HistoryStatuses& statuses, FieldErrors& errors);

}  // namespace phonebill::history
