// PgHistoryStore: bill-inquiry's history rows in PostgreSQL (see pg_history_store.hpp).
#include "pg_history_store.hpp"

#include "bill_events.hpp"
#include "bill_sealing.hpp"
#include "bill_views.hpp"
#include "core/epoch_milliseconds.hpp"
#include "core/log.hpp"
#include "core/seoul_time.hpp"
#include "history/page_query.hpp"
#include "history/time_ordered_id.hpp"
#include "history_rows.hpp"
#include "outbox/outbox_store.hpp"
#include "queries.hpp"
#include "storage/pg_pool.hpp"
#include "written_documents.hpp"

namespace phonebill::bill {
namespace {

using storage::pg_params;

// A sealed value as the look-ups take it: plain hex (the statements decode it).
std::string hex_of(const std::string& bytea_text) { return bytea_text.substr(2); }

SystemTime from_ms(std::int64_t ms) {
  return SystemTime{
      std::chrono::duration_cast<SystemTime::duration>(std::chrono::milliseconds{ms})};
}

template <typename T>
Result<T, BillStatus> unavailable(const char* what, const storage::PgError& error) {
  log::warn(what, {{"error", storage::describe(error)}});
  return refuse(BillStatus::kStorageUnavailable);
}

constexpr history::ListStatements kListStatements{queries::kCountRequestsName,
                                                  queries::kListRequestsName};

}  // namespace

// Each sealed value opened, or the clear one of a row from before db/bill/004; a value
// that does not open fails the read (logged by SealedColumns), never shows as data.
storage::PgResult<HistoryRecord> PgHistoryStore::read_record(const storage::PgRows& rows,
                                                             std::size_t row) const {
  HistoryRecord record;
  record.request_id = std::string{rows.text(row, "request_id")};
  record.user_id = std::string{rows.text(row, "user_id")};
  auto line = sealed_.read_optional(rows, row, "line_number", kLineNumberField, record.request_id);
  if (!line) return line.error();
  record.line_number = std::move(*line);
  auto summary = sealed_.read(rows, row, "result_summary", kResultSummaryField, record.request_id);
  if (!summary) return summary.error();
  record.result_summary = std::move(*summary);
  // The bill: its document's (db/bill/005), else the row's own (rows from before it).
  if (auto document = rows.optional_text(row, "bill_document")) {
    if (rows.is_null(row, "document_bill_sealed")) {
      log::error("bill_document_missing", {{"requestId", record.request_id}});
      return storage::local_error(storage::PgErrorKind::kQuery,
                                  "a request's bill document is missing");
    }
    auto bill = sealed_.read(rows, row, "document_bill", kBillDocumentField, *document);
    if (!bill) return bill.error();
    record.bill_info = std::move(*bill);
  } else {
    auto bill = sealed_.read_optional(rows, row, "bill", kBillField, record.request_id);
    if (!bill) return bill.error();
    record.bill_info = std::move(*bill);
  }
  record.billing_month = rows.optional_text(row, "billing_month");
  record.requested_at = from_ms(rows.int64(row, "requested_ms"));
  record.finished_at = from_ms(rows.int64(row, "finished_ms"));
  record.status = std::string{rows.text(row, "status")};
  record.source = rows.optional_text(row, "source");
  record.result_code = std::string{rows.text(row, "result_code")};
  return record;
}

void PgHistoryStore::register_statements(storage::PgPool& pool) {
  for (auto [name, sql] : {std::pair{queries::kInsertRequestsName, queries::kInsertRequests},
                           std::pair{queries::kInsertDocumentsName, queries::kInsertDocuments},
                           std::pair{queries::kInsertCallsName, queries::kInsertCalls},
                           std::pair{queries::kFindRequestName, queries::kFindRequest},
                           std::pair{queries::kFindLegacyRequestName, queries::kFindLegacyRequest},
                           std::pair{queries::kListRequestsName, queries::kListRequests},
                           std::pair{queries::kCountRequestsName, queries::kCountRequests}})
    pool.register_statement(std::string{name}, std::string{sql});
}

boost::asio::awaitable<storage::PgResult<void>> PgHistoryStore::insert_batch(
    const std::vector<const HistoryEntry*>& entries, Deadline deadline) {
  auto batch = render_history_batch(entries, sealed_, written_documents_);
  auto written = co_await insert_in_transaction(batch, entries, deadline);
  if (!written) {
    // A failover may have lost documents this process remembers: send them all again.
    written_documents_.forget_all();
    co_return written.error();
  }
  for (const auto& key : batch.to_remember) written_documents_.remember(key);
  co_return storage::PgResult<void>{};
}

boost::asio::awaitable<storage::PgResult<void>> PgHistoryStore::insert_in_transaction(
    const HistoryBatchParams& batch, const std::vector<const HistoryEntry*>& entries,
    Deadline deadline) {
  auto lease = co_await pool_.acquire(deadline);
  if (!lease) co_return lease.error();
  auto begun = co_await lease->begin(deadline);
  if (!begun) co_return begun.error();
  if (batch.document_count > 0) {
    auto stored = co_await lease->execute(queries::kInsertDocumentsName, batch.documents, deadline);
    if (!stored) co_return stored.error();
  }
  auto inserted = co_await lease->execute(queries::kInsertRequestsName, batch.requests, deadline);
  if (!inserted) co_return inserted.error();
  if (batch.call_count > 0) {
    auto logged = co_await lease->execute(queries::kInsertCallsName, batch.calls, deadline);
    if (!logged) co_return logged.error();
  }
  std::vector<outbox::OutboxEvent> events;
  if (events_committed_) {
    for (const auto* entry : entries)
      if (auto event = inquiry_event(*entry)) events.push_back(std::move(*event));
    auto queued = co_await outbox::OutboxStore::insert_in(*lease, events, sealed_, deadline);
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
    if (!rows->empty()) {
      auto record = read_record(*rows, 0);
      if (!record)
        co_return unavailable<std::optional<HistoryRecord>>("bill_history_find_failed",
                                                            record.error());
      co_return std::optional<HistoryRecord>{std::move(*record)};
    }
  }
  auto params = pg_params(request_id);
  auto rows = co_await pool_.execute(queries::kFindLegacyRequestName, params, deadline);
  if (!rows)
    co_return unavailable<std::optional<HistoryRecord>>("bill_history_find_failed", rows.error());
  if (rows->empty()) co_return std::optional<HistoryRecord>{};
  auto record = read_record(*rows, 0);
  if (!record)
    co_return unavailable<std::optional<HistoryRecord>>("bill_history_find_failed", record.error());
  co_return std::optional<HistoryRecord>{std::move(*record)};
}

boost::asio::awaitable<Result<HistoryPage, BillStatus>> PgHistoryStore::list(
    history::HistoryFilter filter, Deadline deadline) {
  // "History of this line" matches the blind index (plain hex: the statements decode it).
  if (filter.line_number)
    filter.line_number = hex_of(sealed_.index(kLineIndexPurpose, *filter.line_number));
  auto rows = co_await history::count_then_page(pool_, kListStatements, filter, deadline);
  if (!rows) co_return unavailable<HistoryPage>("bill_history_list_failed", rows.error());
  HistoryPage page;
  page.request = filter.page;
  page.total = rows->total;
  for (std::size_t row = 0; row < rows->rows.row_count(); ++row) {
    auto record = read_record(rows->rows, row);
    if (!record) co_return unavailable<HistoryPage>("bill_history_list_failed", record.error());
    page.items.push_back(std::move(*record));
  }
  co_return page;
}

}  // namespace phonebill::bill
