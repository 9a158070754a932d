// PgHistoryStore: bill-inquiry's history rows in PostgreSQL (see pg_history_store.hpp).
#include "pg_history_store.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "bill_events.hpp"
#include "bill_views.hpp"
#include "core/json.hpp"
#include "core/log.hpp"
#include "core/seoul_time.hpp"
#include "history/page_query.hpp"
#include "history/time_ordered_id.hpp"
#include "outbox/outbox_store.hpp"
#include "queries.hpp"
#include "storage/pg_pool.hpp"

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
  row["billing_month"] = entry.billing_month ? boost::json::value(entry.billing_month->api_form())
                                             : boost::json::value(nullptr);
  row["requested_at"] = iso8601_utc_millis(entry.requested_at);
  row["finished_at"] = iso8601_utc_millis(entry.finished_at);
  row["status"] = entry.completed ? "COMPLETED" : "FAILED";
  row["source"] =
      entry.source ? boost::json::value(to_string(*entry.source)) : boost::json::value(nullptr);
  row["result_code"] = entry.result_code;
  row["result_summary"] = entry.result_summary;
  // The billInfo the caller was shown, so /inquiry/{requestId} shows it again as it was.
  row["bill"] =
      entry.bill ? boost::json::value(bill_info(*entry.bill)) : boost::json::value(nullptr);
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
  record.requested_at = from_ms(rows.int64(row, "requested_ms"));
  record.finished_at = from_ms(rows.int64(row, "finished_ms"));
  record.status = std::string{rows.text(row, "status")};
  record.source = rows.optional_text(row, "source");
  record.result_code = std::string{rows.text(row, "result_code")};
  record.result_summary = std::string{rows.text(row, "result_summary")};
  record.bill_info = rows.optional_text(row, "bill");
  return record;
}

template <typename T>
Result<T, BillStatus> unavailable(const char* what, const storage::PgError& error) {
  log::warn(what, {{"error", storage::describe(error)}});
  return refuse(BillStatus::kStorageUnavailable);
}

constexpr history::ListStatements kListStatements{queries::kCountRequestsName,
                                                  queries::kListRequestsName};

}  // namespace

void PgHistoryStore::register_statements(storage::PgPool& pool) {
  for (auto [name, sql] : {std::pair{queries::kInsertRequestsName, queries::kInsertRequests},
                           std::pair{queries::kInsertCallsName, queries::kInsertCalls},
                           std::pair{queries::kFindRequestName, queries::kFindRequest},
                           std::pair{queries::kFindLegacyRequestName, queries::kFindLegacyRequest},
                           std::pair{queries::kListRequestsName, queries::kListRequests},
                           std::pair{queries::kCountRequestsName, queries::kCountRequests}})
    pool.register_statement(std::string{name}, std::string{sql});
}

boost::asio::awaitable<storage::PgResult<void>> PgHistoryStore::insert_batch(
    const std::vector<const HistoryEntry*>& entries, Deadline deadline) {
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
  std::vector<outbox::OutboxEvent> events;
  if (events_committed_) {
    for (const auto* entry : entries)
      if (auto event = inquiry_event(*entry)) events.push_back(std::move(*event));
    auto queued = co_await outbox::OutboxStore::insert_in(*lease, events, deadline);
    if (!queued) co_return queued.error();
  }
  auto committed = co_await lease->commit(deadline);
  if (!committed) co_return committed.error();
  if (!events.empty()) events_committed_();
  co_return storage::PgResult<void>{};
}

// A time-ordered id is looked for in the months its time allows; an id from before
// them (or one that only looks time-ordered) through the legacy-id table. Either way one
// or two partitions are read, never every month (issue 20).
boost::asio::awaitable<Result<std::optional<HistoryRecord>, BillStatus>> PgHistoryStore::find(
    std::string request_id, Deadline deadline) {
  if (auto window = history::id_search_window(request_id)) {
    auto params =
        pg_params(request_id, iso8601_utc_millis(window->from), iso8601_utc_millis(window->to));
    auto rows = co_await pool_.execute(queries::kFindRequestName, params, deadline);
    if (!rows)
      co_return unavailable<std::optional<HistoryRecord>>("bill_history_find_failed", rows.error());
    if (!rows->empty()) co_return std::optional<HistoryRecord>{read_record(*rows, 0)};
  }
  auto params = pg_params(request_id);
  auto rows = co_await pool_.execute(queries::kFindLegacyRequestName, params, deadline);
  if (!rows)
    co_return unavailable<std::optional<HistoryRecord>>("bill_history_find_failed", rows.error());
  if (rows->empty()) co_return std::optional<HistoryRecord>{};
  co_return std::optional<HistoryRecord>{read_record(*rows, 0)};
}

boost::asio::awaitable<Result<HistoryPage, BillStatus>> PgHistoryStore::list(
    history::HistoryFilter filter, Deadline deadline) {
  auto rows = co_await history::count_then_page(pool_, kListStatements, filter, deadline);
  if (!rows) co_return unavailable<HistoryPage>("bill_history_list_failed", rows.error());
  co_return history::read_page(*rows, filter, read_record);
}

}  // namespace phonebill::bill
