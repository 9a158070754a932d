// LoginHistoryStore in PostgreSQL: one row per attempt (client IP sealed), paged newest first.
#include "pg_login_history_store.hpp"

#include "queries.hpp"

namespace phonebill::auth {

using storage::pg_params;

namespace {

LoginReason reason_of(std::string_view text) {
  if (text == "INVALID_CREDENTIALS") return LoginReason::kInvalidCredentials;
  if (text == "ACCOUNT_LOCKED") return LoginReason::kAccountLocked;
  if (text == "LOCKED") return LoginReason::kLocked;
  return LoginReason::kSuccess;
}

}  // namespace

PgLoginHistoryStore::PgLoginHistoryStore(storage::PgPool& pool, const SealedFields& fields)
    : pool_(pool), fields_(fields) {}

void PgLoginHistoryStore::register_statements(storage::PgPool& pool) {
  pool.register_statement(queries::kInsertLoginHistoryName, queries::kInsertLoginHistory);
  pool.register_statement(queries::kCountLoginHistoryName, queries::kCountLoginHistory);
  pool.register_statement(queries::kPageLoginHistoryName, queries::kPageLoginHistory);
}

boost::asio::awaitable<PgResult<void>> PgLoginHistoryStore::record(LoginHistoryEntry entry,
                                                                   Deadline deadline) {
  std::string result = entry.reason == LoginReason::kSuccess ? "SUCCESS" : "FAILURE";
  const auto attempted_ms = to_epoch_ms(entry.attempted_at);
  auto sealed_ip =
      fields_.seal(kLoginClientIpField, login_row(entry.user_id, entry.request_id, attempted_ms),
                   entry.client_ip);
  auto parameters =
      pg_params(attempted_ms, entry.user_id, sealed_ip, entry.user_agent, result,
                std::string{to_string(entry.reason)}, entry.session_id, entry.request_id);
  auto rows =
      co_await pool_.execute(queries::kInsertLoginHistoryName, std::move(parameters), deadline);
  if (!rows) co_return rows.error();
  co_return PgResult<void>{};
}

boost::asio::awaitable<PgResult<LoginHistoryPage>> PgLoginHistoryStore::page(std::string user_id,
                                                                             std::int64_t page,
                                                                             std::int64_t size,
                                                                             Deadline deadline) {
  LoginHistoryPage result;
  auto counted =
      co_await pool_.execute(queries::kCountLoginHistoryName, pg_params(user_id), deadline);
  if (!counted) co_return counted.error();
  result.total_items = counted->int64(0, "total");
  if (result.total_items <= (page - 1) * size) co_return result;
  auto rows = co_await pool_.execute(queries::kPageLoginHistoryName,
                                     pg_params(user_id, size, (page - 1) * size), deadline);
  if (!rows) co_return rows.error();
  for (std::size_t row = 0; row < rows->row_count(); ++row) {
    LoginHistoryEntry entry;
    const auto attempted_ms = rows->int64(row, "attempted_ms");
    entry.attempted_at = from_epoch_ms(attempted_ms);
    entry.user_id = std::string{rows->text(row, "user_id")};
    entry.request_id = std::string{rows->text(row, "request_id")};
    auto client_ip = fields_.read(*rows, row, "client_ip", kLoginClientIpField,
                                  login_row(entry.user_id, entry.request_id, attempted_ms));
    if (!client_ip) co_return client_ip.error();
    entry.client_ip = std::move(*client_ip);
    entry.user_agent = std::string{rows->text(row, "user_agent")};
    entry.reason = reason_of(rows->text(row, "reason"));
    result.items.push_back(std::move(entry));
  }
  co_return result;
}

}  // namespace phonebill::auth
