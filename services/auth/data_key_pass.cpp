// The re-encryption pass over users and login_history (data_key_pass.hpp).
#include "data_key_pass.hpp"

#include "core/log.hpp"
#include "http/sleep.hpp"
#include "queries.hpp"

namespace phonebill::auth {

using storage::pg_params;
using namespace std::chrono_literals;

DataKeyPass::DataKeyPass(storage::PgPool& pool, const SealedFields& fields,
                         DataKeyPassOptions options)
    : pool_(pool),
      fields_(fields),
      pass_(pool, fields.ring(),
            {crypto::ResealTable{"users", "", queries::kUsersToSealName,
                                 [this](const storage::PgRows& rows, std::size_t row) {
                                   return reseal_user(rows, row);
                                 }},
             crypto::ResealTable{"login_history", "0", queries::kLoginsToSealName,
                                 [this](const storage::PgRows& rows, std::size_t row) {
                                   return reseal_login(rows, row);
                                 }}},
            options) {}

void DataKeyPass::register_statements(storage::PgPool& pool) {
  crypto::ResealPass::register_statements(pool);
  pool.register_statement(queries::kUsersToSealName, queries::kUsersToSeal);
  pool.register_statement(queries::kResealUserName, queries::kResealUser);
  pool.register_statement(queries::kLoginsToSealName, queries::kLoginsToSeal);
  pool.register_statement(queries::kResealLoginName, queries::kResealLogin);
}

boost::asio::awaitable<PgResult<crypto::ResealedRow>> DataKeyPass::reseal_user(
    const storage::PgRows& rows, std::size_t row) {
  const std::string user_id{rows.text(row, "user_id")};
  auto name = fields_.read(rows, row, "user_name", kUserNameField, user_id);
  if (!name) co_return name.error();
  auto line = fields_.read(rows, row, "line_number", kLineNumberField, user_id);
  if (!line) co_return line.error();
  auto updated = co_await pool_.execute(
      queries::kResealUserName,
      pg_params(user_id, fields_.seal(kUserNameField, user_id, *name),
                fields_.seal(kLineNumberField, user_id, *line), fields_.line_index(*line),
                rows.optional_text(row, "user_name_sealed"),
                rows.optional_text(row, "line_number_sealed")),
      phonebill::deadline_after(30s));
  if (!updated) co_return updated.error();
  co_return crypto::ResealedRow{updated->affected_rows(), user_id};
}

boost::asio::awaitable<PgResult<crypto::ResealedRow>> DataKeyPass::reseal_login(
    const storage::PgRows& rows, std::size_t row) {
  const auto identity = login_row(rows.text(row, "user_id"), rows.text(row, "request_id"),
                                  rows.int64(row, "attempted_ms"));
  auto client_ip = fields_.read(rows, row, "client_ip", kLoginClientIpField, identity);
  if (!client_ip) co_return client_ip.error();
  const std::string id{rows.text(row, "id")};
  auto updated =
      co_await pool_.execute(queries::kResealLoginName,
                             pg_params(id, rows.text(row, "attempted_at"),
                                       fields_.seal(kLoginClientIpField, identity, *client_ip),
                                       rows.optional_text(row, "client_ip_sealed")),
                             phonebill::deadline_after(30s));
  if (!updated) co_return updated.error();
  co_return crypto::ResealedRow{updated->affected_rows(), id};
}

boost::asio::awaitable<PgResult<DataKeyPassReport>> DataKeyPass::run() {
  auto report = co_await pass_.run();
  if (!report) co_return report.error();
  DataKeyPassReport counts;
  counts.users_sealed = report->sealed.at(0).second;
  counts.logins_sealed = report->sealed.at(1).second;
  counts.finished = report->finished;
  co_return counts;
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
