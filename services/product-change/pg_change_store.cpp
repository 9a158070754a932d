// ChangeStore in PostgreSQL: rows ↔ ChangeRecord and the prepared statements of
// queries.hpp (see pg_change_store.hpp).
#include "pg_change_store.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "change_events.hpp"
#include "core/json.hpp"
#include "core/seoul_time.hpp"
#include "history/page_query.hpp"
#include "history/time_ordered_id.hpp"
#include "outbox/outbox_store.hpp"
#include "queries.hpp"
#include "sealed_changes.hpp"
#include "storage/pg_pool.hpp"

namespace phonebill::product {
namespace {

using storage::pg_params;

SystemTime from_ms(std::int64_t ms) {
  return SystemTime{
      std::chrono::duration_cast<SystemTime::duration>(std::chrono::milliseconds{ms})};
}

StoreError store_error(const storage::PgError& error) {
  return StoreError{storage::describe(error)};
}

// checks jsonb: [{type, result: PASS|FAIL, message}, ...] (the shape the API shows).
std::string checks_text(const std::vector<Check>& checks) {
  boost::json::array array;
  for (const auto& check : checks)
    array.push_back(boost::json::object{{"type", check.type},
                                        {"result", check.passed ? "PASS" : "FAIL"},
                                        {"message", check.message}});
  return to_json_text(array);
}

std::optional<std::vector<Check>> read_checks(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  auto parsed = parse_json(*text);
  if (!parsed || !parsed->is_array()) return std::nullopt;
  std::vector<Check> checks;
  for (const auto& item : parsed->as_array()) {
    if (!item.is_object()) continue;
    const auto& object = item.as_object();
    auto text_of = [&](const char* key) {
      auto* value = object.if_contains(key);
      return value && value->is_string() ? std::string{value->get_string()} : std::string{};
    };
    checks.push_back(Check{text_of("type"), text_of("result") == "PASS", text_of("message")});
  }
  return checks;
}

// A row as a record: sealed values opened (either form read, sealed_changes.hpp); a
// sealed value that does not open is an error, never shown as data.
StoreResult<ChangeRecord> read_record(const storage::PgRows& rows, std::size_t row,
                                      const SealedChanges& sealed) {
  ChangeRecord record;
  record.request_id = std::string{rows.text(row, "request_id")};
  auto line = sealed.read_line(rows, row, record.request_id);
  bool refused = !line;
  record.user_id = std::string{rows.text(row, "user_id")};
  record.line_number = line.value_or("");
  record.previous_product_code = std::string{rows.text(row, "previous_product_code")};
  record.previous_product_name = std::string{rows.text(row, "previous_product_name")};
  record.target_product_code = std::string{rows.text(row, "target_product_code")};
  record.target_product_name = std::string{rows.text(row, "target_product_name")};
  record.status = parse_change_status(rows.text(row, "status")).value_or(ChangeStatus::kFailed);
  record.idempotency_key = rows.optional_text(row, "idempotency_key");
  record.fingerprint = sealed.domain_fingerprint(rows.text(row, "fingerprint"), record.line_number);
  if (auto reason = rows.optional_text(row, "failure_reason"))
    record.failure_reason = parse_product_status(*reason).value_or(ProductStatus::kInternal);
  record.result_message = sealed.read_message(rows, row, record.request_id, refused);
  if (refused)
    return StoreError{"a sealed value of change " + record.request_id + " does not open"};
  record.kos_result_code = rows.optional_text(row, "kos_result_code");
  record.checks = read_checks(rows.optional_text(row, "checks"));
  record.kos_order_number = rows.optional_text(row, "kos_order_number");
  record.effective_date = rows.optional_text(row, "effective_date");
  // The request that asked for the change: the reconciler's log lines join its trace.
  record.http_request_id = rows.optional_text(row, "http_request_id").value_or("");
  record.trace_id = rows.optional_text(row, "trace_id").value_or("");
  record.requested_at = from_ms(rows.int64(row, "requested_ms"));
  if (auto processed = rows.optional_int64(row, "processed_ms"))
    record.processed_at = from_ms(*processed);
  if (auto column = rows.find_column("stale")) record.stale = rows.boolean(row, *column);
  return record;
}

StoreResult<std::optional<ChangeRecord>> first(const storage::PgRows& rows,
                                               const SealedChanges& sealed) {
  if (rows.empty()) return std::optional<ChangeRecord>{};
  auto record = read_record(rows, 0, sealed);
  if (!record) return record.error();
  return std::optional<ChangeRecord>{std::move(*record)};
}

storage::PgParams settle_params(const std::string& request_id, const ChangeOutcome& outcome,
                                const std::optional<std::string>& previous_name,
                                const std::optional<std::vector<Check>>& checks,
                                const SealedChanges& sealed) {
  std::optional<std::string> reason;
  if (outcome.failure_reason) reason = std::string{to_text(*outcome.failure_reason)};
  std::optional<std::string> checks_json;
  if (checks) checks_json = checks_text(*checks);
  std::optional<std::string> message;
  if (outcome.kos_message)
    message = sealed.seal(kResultMessageField, request_id, *outcome.kos_message);
  return pg_params(request_id, to_text(outcome.status), reason, message, outcome.kos_result_code,
                   outcome.kos_order_number, outcome.effective_date, outcome.previous_product_code,
                   outcome.previous_product_code ? previous_name : std::nullopt, checks_json);
}

// The history page through the one count-then-page query (history/page_query.hpp); a
// line filter compares the line's blind index.
boost::asio::awaitable<StoreResult<ChangePage>> page_of(storage::PgPool& pool, HistoryFilter filter,
                                                        const SealedChanges& sealed,
                                                        phonebill::Deadline deadline) {
  static constexpr history::ListStatements kStatements{queries::kCountName, queries::kListName};
  if (filter.line_number) filter.line_number = sealed.line_index(*filter.line_number);
  auto rows = co_await history::count_then_page(pool, kStatements, filter, deadline);
  if (!rows) co_return store_error(rows.error());
  ChangePage page;
  page.request = filter.page;
  page.total = rows->total;
  for (std::size_t row = 0; row < rows->rows.row_count(); ++row) {
    auto record = read_record(rows->rows, row, sealed);
    if (!record) co_return record.error();
    page.items.push_back(std::move(*record));
  }
  co_return page;
}

}  // namespace

void PgChangeStore::register_statements(storage::PgPool& pool) {
  auto add = [&](std::string_view name, std::string_view sql) {
    pool.register_statement(std::string{name}, std::string{sql});
  };
  add(queries::kInsertName, queries::kInsert);
  add(queries::kFindByKeyName, queries::kFindByKey);
  add(queries::kReleaseKeyName, queries::kReleaseKey);
  add(queries::kSettleName, queries::kSettle);
  add(queries::kFindName, queries::kFind);
  add(queries::kFindLegacyName, queries::kFindLegacy);
  add(queries::kClaimNextName, queries::kClaimNext);
  add(queries::kReleaseClaimName, queries::kReleaseClaim);
  add(queries::kListName, queries::kList);
  add(queries::kCountName, queries::kCount);
}

boost::asio::awaitable<StoreResult<InsertResult>> PgChangeStore::insert(ChangeRecord record,
                                                                        Deadline deadline) {
  auto params = pg_params(record.request_id, record.user_id,
                          sealed_.seal(kLineNumberField, record.request_id, record.line_number),
                          sealed_.line_index(record.line_number), record.previous_product_code,
                          record.previous_product_name, record.target_product_code,
                          record.target_product_name, record.idempotency_key,
                          sealed_.stored_fingerprint(record.fingerprint, record.line_number),
                          record.http_request_id, record.trace_id, record.line_number);
  auto inserted = co_await pool_.execute(queries::kInsertName, params, deadline);
  // Nothing written: a change from before db/product/006 is in flight for the line.
  if (inserted)
    co_return inserted->affected_rows() == 0 ? InsertResult::kLineBusy : InsertResult::kInserted;
  const auto& error = inserted.error();
  if (error.is_unique_violation() && (error.constraint == "product_changes_one_in_flight" ||
                                      error.constraint == "product_changes_one_in_flight_clear"))
    co_return InsertResult::kLineBusy;
  if (error.is_unique_violation() && error.constraint == "product_changes_idempotency")
    co_return InsertResult::kKeyTaken;
  co_return store_error(error);
}

boost::asio::awaitable<StoreResult<std::optional<ChangeRecord>>> PgChangeStore::settle(
    std::string request_id, ChangeOutcome outcome, std::optional<std::string> previous_name,
    std::optional<std::vector<Check>> checks, Deadline deadline) {
  auto params = settle_params(request_id, outcome, previous_name, checks, sealed_);
  if (events_committed_)
    co_return co_await settle_with_events(std::move(request_id), std::move(params), deadline);
  auto updated = co_await pool_.execute(queries::kSettleName, params, deadline);
  if (!updated) co_return store_error(updated.error());
  if (!updated->empty()) co_return first(*updated, sealed_);
  co_return co_await find(std::move(request_id), deadline);
}

// A time-ordered id is looked for in the months its time allows; an id without a time
// (written before db/product/005, or one that only looks time-ordered) through the
// legacy-id table or its guard row. Either way one or two partitions are read.
boost::asio::awaitable<StoreResult<std::optional<ChangeRecord>>> PgChangeStore::find(
    std::string request_id, Deadline deadline) {
  if (auto window = history::id_search_window(request_id)) {
    auto params =
        pg_params(request_id, iso8601_utc_millis(window->from), iso8601_utc_millis(window->to));
    auto rows = co_await pool_.execute(queries::kFindName, params, deadline);
    if (!rows) co_return store_error(rows.error());
    if (!rows->empty()) co_return first(*rows, sealed_);
  }
  auto params = pg_params(request_id);
  auto rows = co_await pool_.execute(queries::kFindLegacyName, params, deadline);
  if (!rows) co_return store_error(rows.error());
  co_return first(*rows, sealed_);
}

boost::asio::awaitable<StoreResult<std::optional<ChangeRecord>>> PgChangeStore::find_by_key(
    std::string user_id, std::string key, Deadline deadline) {
  auto params = pg_params(user_id, key);
  auto rows = co_await pool_.execute(queries::kFindByKeyName, params, deadline);
  if (!rows) co_return store_error(rows.error());
  co_return first(*rows, sealed_);
}

boost::asio::awaitable<StoreResult<void>> PgChangeStore::release_key(std::string request_id,
                                                                     Deadline deadline) {
  auto params = pg_params(request_id);
  auto released = co_await pool_.execute(queries::kReleaseKeyName, params, deadline);
  if (!released) co_return store_error(released.error());
  co_return StoreResult<void>{};
}

boost::asio::awaitable<StoreResult<ChangePage>> PgChangeStore::list(HistoryFilter filter,
                                                                    Deadline deadline) {
  co_return co_await page_of(pool_, std::move(filter), sealed_, deadline);
}

boost::asio::awaitable<StoreResult<std::optional<ChangeRecord>>> PgChangeStore::claim_next(
    std::chrono::milliseconds stale_after, std::chrono::milliseconds lease, Deadline deadline) {
  auto params = pg_params(std::int64_t(stale_after.count()), std::int64_t(lease.count()));
  auto rows = co_await pool_.execute(queries::kClaimNextName, params, deadline);
  if (!rows) co_return store_error(rows.error());
  co_return first(*rows, sealed_);
}

boost::asio::awaitable<StoreResult<void>> PgChangeStore::release_claim(
    std::string request_id, std::chrono::milliseconds retry_after, Deadline deadline) {
  auto params = pg_params(request_id, std::int64_t(retry_after.count()));
  auto updated = co_await pool_.execute(queries::kReleaseClaimName, params, deadline);
  if (!updated) co_return store_error(updated.error());
  co_return StoreResult<void>{};
}

// The record moves and its events are queued in one transaction: both or neither.
boost::asio::awaitable<StoreResult<std::optional<ChangeRecord>>> PgChangeStore::settle_with_events(
    std::string request_id, storage::PgParams params, Deadline deadline) {
  std::optional<ChangeRecord> settled;
  {
    auto lease = co_await pool_.acquire(deadline);
    if (!lease) co_return store_error(lease.error());
    auto begun = co_await lease->begin(deadline);
    if (!begun) co_return store_error(begun.error());
    auto updated = co_await lease->execute(queries::kSettleName, params, deadline);
    if (!updated) co_return store_error(updated.error());
    auto read = first(*updated, sealed_);
    if (!read) co_return read.error();
    settled = std::move(*read);
    std::vector<outbox::OutboxEvent> events;
    if (settled)
      events = change_events(*settled, settled->processed_at.value_or(SystemTime::clock::now()));
    auto queued =
        co_await outbox::OutboxStore::insert_in(*lease, events, sealed_.columns(), deadline);
    if (!queued) co_return store_error(queued.error());
    auto committed = co_await lease->commit(deadline);
    if (!committed) co_return store_error(committed.error());
    if (!events.empty()) events_committed_();
  }
  if (settled) co_return settled;
  co_return co_await find(std::move(request_id), deadline);
}

}  // namespace phonebill::product
