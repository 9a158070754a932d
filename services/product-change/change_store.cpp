// ChangeStore: see change_store.hpp.
#include "change_store.hpp"

#include "core/json.hpp"
#include "history/page_query.hpp"
#include "queries.hpp"

namespace phonebill::product {
namespace {

using storage::pg_params;

SystemTime from_ms(std::int64_t ms) {
  return SystemTime{
      std::chrono::duration_cast<SystemTime::duration>(std::chrono::milliseconds{ms})};
}

ChangeRecord read_record(const storage::PgRows& rows, std::size_t row) {
  ChangeRecord record;
  record.request_id = std::string{rows.text(row, "request_id")};
  record.user_id = std::string{rows.text(row, "user_id")};
  record.line_number = std::string{rows.text(row, "line_number")};
  record.previous_product_code = std::string{rows.text(row, "previous_product_code")};
  record.previous_product_name = std::string{rows.text(row, "previous_product_name")};
  record.target_product_code = std::string{rows.text(row, "target_product_code")};
  record.target_product_name = std::string{rows.text(row, "target_product_name")};
  record.status = parse_change_status(rows.text(row, "status")).value_or(ChangeStatus::kFailed);
  record.idempotency_key = rows.optional_text(row, "idempotency_key");
  record.fingerprint = std::string{rows.text(row, "fingerprint")};
  if (auto status = rows.optional_int64(row, "http_status")) record.http_status = int(*status);
  record.result_code = rows.optional_text(row, "result_code");
  record.result_message = rows.optional_text(row, "result_message");
  record.kos_result_code = rows.optional_text(row, "kos_result_code");
  if (auto checks = rows.optional_text(row, "checks")) {
    if (auto parsed = parse_json(*checks)) record.checks = std::move(*parsed);
  }
  record.kos_order_number = rows.optional_text(row, "kos_order_number");
  record.effective_date = rows.optional_text(row, "effective_date");
  record.requested_at = from_ms(rows.int64(row, "requested_ms"));
  if (auto processed = rows.optional_int64(row, "processed_ms"))
    record.processed_at = from_ms(*processed);
  if (auto column = rows.find_column("stale")) record.stale = rows.boolean(row, *column);
  return record;
}

std::optional<ChangeRecord> first(const storage::PgRows& rows) {
  if (rows.empty()) return std::nullopt;
  return read_record(rows, 0);
}

storage::PgParams settle_params(const std::string& request_id, const ChangeOutcome& outcome,
                                const std::optional<std::string>& previous_name,
                                const boost::json::value& checks) {
  std::optional<std::string> checks_text;
  if (!checks.is_null()) checks_text = to_json_text(checks);
  return pg_params(request_id, to_text(outcome.status), outcome.http_status, outcome.result_code,
                   outcome.result_message, outcome.kos_result_code, outcome.kos_order_number,
                   outcome.effective_date, outcome.previous_product_code,
                   outcome.previous_product_code ? previous_name : std::nullopt, checks_text);
}

}  // namespace

void ChangeStore::register_statements(storage::PgPool& pool) {
  auto add = [&](std::string_view name, std::string_view sql) {
    pool.register_statement(std::string{name}, std::string{sql});
  };
  add(queries::kInsertName, queries::kInsert);
  add(queries::kFindByKeyName, queries::kFindByKey);
  add(queries::kReleaseKeyName, queries::kReleaseKey);
  add(queries::kSettleName, queries::kSettle);
  add(queries::kFindName, queries::kFind);
  add(queries::kClaimNextName, queries::kClaimNext);
  add(queries::kReleaseClaimName, queries::kReleaseClaim);
  add(queries::kListName, queries::kList);
  add(queries::kCountName, queries::kCount);
}

boost::asio::awaitable<storage::PgResult<InsertResult>> ChangeStore::insert(
    ChangeRecord record, phonebill::Deadline deadline) {
  auto params = pg_params(
      record.request_id, record.user_id, record.line_number, record.previous_product_code,
      record.previous_product_name, record.target_product_code, record.target_product_name,
      record.idempotency_key, record.fingerprint, record.http_request_id, record.trace_id);
  auto inserted = co_await pool_.execute(queries::kInsertName, params, deadline);
  if (inserted) co_return InsertResult::kInserted;
  const auto& error = inserted.error();
  if (error.is_unique_violation() && error.constraint == "product_changes_one_in_flight")
    co_return InsertResult::kLineBusy;
  if (error.is_unique_violation() && error.constraint == "product_changes_idempotency")
    co_return InsertResult::kKeyTaken;
  co_return error;
}

boost::asio::awaitable<storage::PgResult<std::optional<ChangeRecord>>> ChangeStore::settle(
    std::string request_id, ChangeOutcome outcome, std::optional<std::string> previous_name,
    boost::json::value checks, phonebill::Deadline deadline) {
  auto params = settle_params(request_id, outcome, previous_name, checks);
  auto updated = co_await pool_.execute(queries::kSettleName, params, deadline);
  if (!updated) co_return updated.error();
  if (!updated->empty()) co_return first(*updated);
  co_return co_await find(std::move(request_id), deadline);
}

boost::asio::awaitable<storage::PgResult<std::optional<ChangeRecord>>> ChangeStore::find(
    std::string request_id, phonebill::Deadline deadline) {
  auto params = pg_params(request_id);
  auto rows = co_await pool_.execute(queries::kFindName, params, deadline);
  if (!rows) co_return rows.error();
  co_return first(*rows);
}

boost::asio::awaitable<storage::PgResult<std::optional<ChangeRecord>>> ChangeStore::find_by_key(
    std::string user_id, std::string key, std::chrono::milliseconds ttl,
    phonebill::Deadline deadline) {
  auto params = pg_params(user_id, key, std::int64_t(ttl.count()));
  auto rows = co_await pool_.execute(queries::kFindByKeyName, params, deadline);
  if (!rows) co_return rows.error();
  if (!rows->empty()) co_return first(*rows);
  auto released = co_await pool_.execute(queries::kReleaseKeyName, params, deadline);
  if (!released) co_return released.error();
  co_return std::optional<ChangeRecord>{};
}

boost::asio::awaitable<storage::PgResult<ChangePage>> ChangeStore::list(
    HistoryFilter filter, phonebill::Deadline deadline) {
  static constexpr history::ListStatements kStatements{queries::kCountName, queries::kListName};
  auto rows = co_await history::count_then_page(pool_, kStatements, filter, deadline);
  if (!rows) co_return rows.error();
  co_return history::read_page(*rows, filter, read_record);
}

boost::asio::awaitable<storage::PgResult<std::optional<ChangeRecord>>> ChangeStore::claim_next(
    std::chrono::milliseconds stale_after, std::chrono::milliseconds lease,
    phonebill::Deadline deadline) {
  auto params = pg_params(std::int64_t(stale_after.count()), std::int64_t(lease.count()));
  auto rows = co_await pool_.execute(queries::kClaimNextName, params, deadline);
  if (!rows) co_return rows.error();
  co_return first(*rows);
}

boost::asio::awaitable<storage::PgResult<void>> ChangeStore::release_claim(
    std::string request_id, std::chrono::milliseconds retry_after, phonebill::Deadline deadline) {
  auto params = pg_params(request_id, std::int64_t(retry_after.count()));
  auto updated = co_await pool_.execute(queries::kReleaseClaimName, params, deadline);
  if (!updated) co_return updated.error();
  co_return storage::PgResult<void>{};
}

}  // namespace phonebill::product
