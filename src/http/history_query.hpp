// The HTTP side of a history list: ?lineNumber&from&to&status&page&size read from a
// request into the history::HistoryQuery that src/history validates. The history names
// are also spelled http:: here for the code that still speaks of them so (product-change).
// Entry point: HistoryQuery::from_request.
#pragma once
#include "history/history_query.hpp"
#include "http/request.hpp"

namespace phonebill::http {

using history::HistoryFilter;
using history::HistoryStatuses;
using history::validate_history_query;

struct HistoryQuery : history::HistoryQuery {
  static HistoryQuery from_request(const Request& request);
};

}  // namespace phonebill::http
