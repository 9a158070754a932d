// HistoryStore: see history_store.hpp.
#include "history_store.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/json.hpp"
#include "core/seoul_time.hpp"
#include "queries.hpp"

namespace phonebill::bill {
namespace {

using storage::pg_params;

boost::json::value optional_json(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  return boost::json::value(*text);
}

boost::json::object request_row(const HistoryEntry& entry) {
  boost::json::object row;
  row["request_id"] = entry.request_id;
  row["user_id"] = entry.user_id;
  row["line_number"] = optional_json(entry.line_number);
  row["billing_month"] = optional_json(entry.billing_month);
  row["requested_at"] = iso8601_utc_millis(entry.requested_at);
  row["finished_at"] = iso8601_utc_millis(entry.finished_at);
  row["status"] = entry.completed ? "COMPLETED" : "FAILED";
  row["source"] = optional_json(entry.source);
  row["result_code"] = entry.result_code;
  row["result_summary"] = entry.result_summary;
  row["bill"] = entry.bill;
  row["http_request_id"] = entry.http_request_id;
  row["trace_id"] = entry.trace_id;
  return row;
}

boost::json::object call_row(const std::string& request_id, const KosCallRecord& call) {
  boost::json::object row;
  row["request_id"] = request_id;
  row["operation"] = kos::to_string(call.operation);
  row["attempt"] = call.attempt.number;
  row["requested_at"] = iso8601_utc_millis(call.attempt.started_at);
  row["responded_at"] = iso8601_utc_millis(call.attempt.finished_at);
  if (call.attempt.result_code) {
    row["result_code"] = kos::to_text(*call.attempt.result_code);
  } else {
    row["result_code"] = nullptr;
  }
  row["result_message"] = call.attempt.result_message;
  if (call.attempt.failure) {
    row["failure"] = kos::to_string(*call.attempt.failure);
  } else {
    row["failure"] = nullptr;
  }
  row["circuit_state"] = call.attempt.circuit_state.empty() ? "closed" : call.attempt.circuit_state;
  return row;
}

SystemTime from_ms(std::int64_t ms) {
  return SystemTime{
      std::chrono::duration_cast<SystemTime::duration>(std::chrono::milliseconds{ms})};
}

HistoryRecord read_record(const storage::PgRows& rows, std::size_t row) {
  HistoryRecord record;
  record.request_id = std::string{rows.text(row, "request_id")};
  record.user_id = std::string{rows.text(row, "user_id")};
  record.line_number = rows.optional_text(row, "line_number");
  record.billing_month = rows.optional_text(row, "billing_month");
  record.requested_at = iso8601_seoul(from_ms(rows.int64(row, "requested_ms")));
  record.finished_at = iso8601_seoul(from_ms(rows.int64(row, "finished_ms")));
  record.status = std::string{rows.text(row, "status")};
  record.source = rows.optional_text(row, "source");
  record.result_code = std::string{rows.text(row, "result_code")};
  record.result_summary = std::string{rows.text(row, "result_summary")};
  if (auto bill = rows.optional_text(row, "bill")) {
    if (auto parsed = parse_json(*bill)) record.bill = std::move(*parsed);
  }
  return record;
}

}  // namespace

void HistoryStore::register_statements(storage::PgPool& pool) {
  pool.register_statement(std::string{queries::kInsertRequestsName},
                          std::string{queries::kInsertRequests});
  pool.register_statement(std::string{queries::kInsertCallsName},
                          std::string{queries::kInsertCalls});
  pool.register_statement(std::string{queries::kFindRequestName},
                          std::string{queries::kFindRequest});
  pool.register_statement(std::string{queries::kListRequestsName},
                          std::string{queries::kListRequests});
  pool.register_statement(std::string{queries::kCountRequestsName},
                          std::string{queries::kCountRequests});
}

boost::asio::awaitable<storage::PgResult<void>> HistoryStore::insert_batch(
    const std::vector<const HistoryEntry*>& entries, phonebill::Deadline deadline) {
  boost::json::array requests;
  boost::json::array calls;
  for (const auto* entry : entries) {
    requests.push_back(request_row(*entry));
    for (const auto& call : entry->kos_calls) calls.push_back(call_row(entry->request_id, call));
  }
  auto lease = co_await pool_.acquire(deadline);
  if (!lease) co_return lease.error();
  auto begun = co_await lease->begin(deadline);
  if (!begun) co_return begun.error();
  auto request_params = pg_params(to_json_text(requests));
  auto inserted = co_await lease->execute(queries::kInsertRequestsName, request_params, deadline);
  if (!inserted) co_return inserted.error();
  if (!calls.empty()) {
    auto call_params = pg_params(to_json_text(calls));
    auto logged = co_await lease->execute(queries::kInsertCallsName, call_params, deadline);
    if (!logged) co_return logged.error();
  }
  auto committed = co_await lease->commit(deadline);
  if (!committed) co_return committed.error();
  co_return storage::PgResult<void>{};
}

boost::asio::awaitable<storage::PgResult<std::optional<HistoryRecord>>> HistoryStore::find(
    std::string request_id, phonebill::Deadline deadline) {
  auto params = pg_params(request_id);
  auto rows = co_await pool_.execute(queries::kFindRequestName, params, deadline);
  if (!rows) co_return rows.error();
  if (rows->empty()) co_return std::optional<HistoryRecord>{};
  co_return std::optional<HistoryRecord>{read_record(*rows, 0)};
}

boost::asio::awaitable<storage::PgResult<HistoryPage>> HistoryStore::list(
    HistoryFilter filter, phonebill::Deadline deadline) {
  auto count_params =
      pg_params(filter.user_id, filter.line_number, filter.from, filter.to, filter.status);
  auto counted = co_await pool_.execute(queries::kCountRequestsName, count_params, deadline);
  if (!counted) co_return counted.error();
  HistoryPage page;
  page.total = counted->int64(0, "total");
  std::int64_t offset = filter.page.offset();
  if (page.total > offset) {
    auto list_params = pg_params(filter.user_id, filter.line_number, filter.from, filter.to,
                                 filter.status, filter.page.size, offset);
    auto rows = co_await pool_.execute(queries::kListRequestsName, list_params, deadline);
    if (!rows) co_return rows.error();
    for (std::size_t row = 0; row < rows->row_count(); ++row)
      page.items.push_back(read_record(*rows, row));
  }
  co_return page;
}

}  // namespace phonebill::bill
