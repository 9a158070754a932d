// The re-encryption pass over users and login_history (data_key_pass.hpp).
#include "data_key_pass.hpp"

#include "core/log.hpp"
#include "crypto/database_key_check.hpp"
#include "http/sleep.hpp"
#include "queries.hpp"

namespace phonebill::auth {

using storage::pg_params;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view kUsersPass = "users";
constexpr std::string_view kLoginsPass = "login_history";

// The two id bytes every value sealed by the current key carries (bytea text).
std::string key_id_bytes(crypto::KeyId id) {
  return crypto::pg_bytea_text(std::string{char(id >> 8), char(id & 0xff)});
}

struct PassState {
  std::string cursor;
  bool finished = false;
};

boost::asio::awaitable<PgResult<PassState>> load_pass(storage::PgPool& pool, std::string_view name,
                                                      crypto::KeyId key, std::string start) {
  auto rows = co_await pool.execute(queries::kLoadPassName, pg_params(name, int(key)),
                                    phonebill::deadline_after(30s));
  if (!rows) co_return rows.error();
  if (rows->empty()) co_return PassState{std::move(start), false};
  co_return PassState{std::string{rows->text(0, "cursor")}, rows->boolean(0, "finished")};
}

boost::asio::awaitable<PgResult<void>> save_pass(storage::PgPool& pool, std::string_view name,
                                                 crypto::KeyId key, const std::string& cursor,
                                                 bool finished) {
  auto rows =
      co_await pool.execute(queries::kSavePassName, pg_params(name, int(key), cursor, finished),
                            phonebill::deadline_after(30s));
  if (!rows) co_return rows.error();
  co_return PgResult<void>{};
}

}  // namespace

DataKeyPass::DataKeyPass(storage::PgPool& pool, const SealedFields& fields,
                         DataKeyPassOptions options)
    : pool_(pool), fields_(fields), options_(options) {}

void DataKeyPass::register_statements(storage::PgPool& pool) {
  pool.register_statement(queries::kUsersToSealName, queries::kUsersToSeal);
  pool.register_statement(queries::kResealUserName, queries::kResealUser);
  pool.register_statement(queries::kLoginsToSealName, queries::kLoginsToSeal);
  pool.register_statement(queries::kResealLoginName, queries::kResealLogin);
  pool.register_statement(queries::kLoadPassName, queries::kLoadPass);
  pool.register_statement(queries::kSavePassName, queries::kSavePass);
}

boost::asio::awaitable<PgResult<std::uint64_t>> DataKeyPass::seal_users() {
  const auto key = fields_.cipher().ring().current_id();
  auto state = co_await load_pass(pool_, kUsersPass, key, "");
  if (!state) co_return state.error();
  std::uint64_t sealed = 0;
  auto cursor = state->cursor;
  while (!state->finished) {
    auto rows = co_await pool_.execute(queries::kUsersToSealName,
                                       pg_params(cursor, key_id_bytes(key), options_.batch_size),
                                       phonebill::deadline_after(30s));
    if (!rows) co_return rows.error();
    for (std::size_t row = 0; row < rows->row_count(); ++row) {
      const std::string user_id{rows->text(row, "user_id")};
      auto name = fields_.read(*rows, row, "user_name", kUserNameField, user_id);
      if (!name) co_return name.error();
      auto line = fields_.read(*rows, row, "line_number", kLineNumberField, user_id);
      if (!line) co_return line.error();
      auto updated = co_await pool_.execute(
          queries::kResealUserName,
          pg_params(user_id, fields_.seal(kUserNameField, user_id, *name),
                    fields_.seal(kLineNumberField, user_id, *line), fields_.line_index(*line),
                    rows->optional_text(row, "user_name_sealed"),
                    rows->optional_text(row, "line_number_sealed")),
          phonebill::deadline_after(30s));
      if (!updated) co_return updated.error();
      sealed += updated->affected_rows();
      cursor = user_id;
    }
    const bool done = rows->row_count() < std::size_t(options_.batch_size);
    if (auto saved = co_await save_pass(pool_, kUsersPass, key, cursor, done); !saved)
      co_return saved.error();
    if (done) break;
    co_await http::sleep_for(options_.pause);
  }
  co_return sealed;
}

boost::asio::awaitable<PgResult<std::uint64_t>> DataKeyPass::seal_logins() {
  const auto key = fields_.cipher().ring().current_id();
  auto state = co_await load_pass(pool_, kLoginsPass, key, "0");
  if (!state) co_return state.error();
  std::uint64_t sealed = 0;
  auto cursor = state->cursor;
  while (!state->finished) {
    auto rows = co_await pool_.execute(queries::kLoginsToSealName,
                                       pg_params(cursor, key_id_bytes(key), options_.batch_size),
                                       phonebill::deadline_after(30s));
    if (!rows) co_return rows.error();
    for (std::size_t row = 0; row < rows->row_count(); ++row) {
      const auto identity = login_row(rows->text(row, "user_id"), rows->text(row, "request_id"),
                                      rows->int64(row, "attempted_ms"));
      auto client_ip = fields_.read(*rows, row, "client_ip", kLoginClientIpField, identity);
      if (!client_ip) co_return client_ip.error();
      const std::string id{rows->text(row, "id")};
      auto updated =
          co_await pool_.execute(queries::kResealLoginName,
                                 pg_params(id, rows->text(row, "attempted_at"),
                                           fields_.seal(kLoginClientIpField, identity, *client_ip),
                                           rows->optional_text(row, "client_ip_sealed")),
                                 phonebill::deadline_after(30s));
      if (!updated) co_return updated.error();
      sealed += updated->affected_rows();
      cursor = id;
    }
    const bool done = rows->row_count() < std::size_t(options_.batch_size);
    if (auto saved = co_await save_pass(pool_, kLoginsPass, key, cursor, done); !saved)
      co_return saved.error();
    if (done) break;
    co_await http::sleep_for(options_.pause);
  }
  co_return sealed;
}

boost::asio::awaitable<PgResult<DataKeyPassReport>> DataKeyPass::run() {
  DataKeyPassReport report;
  auto users = co_await seal_users();
  if (!users) co_return users.error();
  report.users_sealed = *users;
  auto logins = co_await seal_logins();
  if (!logins) co_return logins.error();
  report.logins_sealed = *logins;
  auto retired = co_await crypto::retire_keys_other_than(
      pool_, fields_.cipher().ring().current_id(), phonebill::deadline_after(30s));
  if (!retired) co_return retired.error();
  report.finished = true;
  co_return report;
}

boost::asio::awaitable<void> run_data_key_pass(DataKeyPass& pass) {
  for (;;) {
    auto report = co_await pass.run();
    if (report) {
      log::info("data_key_pass_done",
                {{"usersSealed", report->users_sealed}, {"loginsSealed", report->logins_sealed}});
      co_return;
    }
    log::warn("data_key_pass_failed", {{"error", storage::describe(report.error())}});
    co_await http::sleep_for(std::chrono::minutes{1});
  }
}

}  // namespace phonebill::auth
