// validate_history_query: one rule set for every service's history filters (see
// history_query.hpp).
#include "history/history_query.hpp"

#include "core/line_number.hpp"

namespace phonebill::history {

HistoryFilter validate_history_query(const HistoryQuery& query, std::string user_id,
                                     const HistoryStatuses& statuses, FieldErrors& errors) {
  HistoryFilter filter;
  filter.user_id = std::move(user_id);
  if (query.line_number) {
    filter.line_number = normalize_line_number(*query.line_number);
    if (!filter.line_number) errors.add("lineNumber", "must be 01012345678 or 010-1234-5678");
  }
  bool from_ok = !query.from || is_calendar_date(*query.from);
  bool to_ok = !query.to || is_calendar_date(*query.to);
  if (!from_ok) errors.add("from", "must be YYYY-MM-DD");
  if (!to_ok) errors.add("to", "must be YYYY-MM-DD");
  if (query.from && query.to && from_ok && to_ok && *query.from > *query.to)
    errors.add("from", "must not be after to");
  if (query.status && !statuses.known(*query.status)) errors.add("status", statuses.reason);
  filter.from = query.from;
  filter.to = query.to;
  filter.status = query.status;
  filter.page = parse_page_request(query.page, query.size, errors);
  return filter;
}

}  // namespace phonebill::history
