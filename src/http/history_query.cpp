// HistoryQuery::from_request: a history list's query parameters (see history_query.hpp).
#include "http/history_query.hpp"

namespace phonebill::http {

HistoryQuery HistoryQuery::from_request(const Request& request) {
  HistoryQuery query;
  query.line_number = request.query_parameter("lineNumber");
  query.from = request.query_parameter("from");
  query.to = request.query_parameter("to");
  query.status = request.query_parameter("status");
  query.page = request.query_parameter("page");
  query.size = request.query_parameter("size");
  return query;
}

}  // namespace phonebill::http
