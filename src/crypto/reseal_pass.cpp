// The batched, resumable re-encryption pass (reseal_pass.hpp).
#include "crypto/reseal_pass.hpp"

#include "core/log.hpp"
#include "crypto/database_key_check.hpp"
#include "crypto/field_cipher.hpp"
#include "http/sleep.hpp"

namespace phonebill::crypto {

using storage::pg_params;
using storage::PgResult;
using namespace std::chrono_literals;

namespace {

// Where pass $1 got to under key $2 (no row: not started under this key).
constexpr const char* kLoadPassName = "crypto.load_pass";
constexpr const char* kLoadPass = R"SQL(
SELECT cursor, finished_at IS NOT NULL AS finished
FROM data_key_passes WHERE name = $1 AND key_id = $2::integer)SQL";

// $1 pass, $2 key id, $3 cursor, $4 finished.
constexpr const char* kSavePassName = "crypto.save_pass";
constexpr const char* kSavePass = R"SQL(
INSERT INTO data_key_passes (name, key_id, cursor, finished_at, updated_at)
VALUES ($1, $2::integer, $3, CASE WHEN $4::boolean THEN now() END, now())
ON CONFLICT (name) DO UPDATE
SET key_id = EXCLUDED.key_id, cursor = EXCLUDED.cursor, finished_at = EXCLUDED.finished_at,
    updated_at = EXCLUDED.updated_at)SQL";

struct PassState {
  std::string cursor;
  bool finished = false;
};

boost::asio::awaitable<PgResult<PassState>> load_pass(storage::PgPool& pool, std::string_view name,
                                                      KeyId key, std::string start) {
  auto rows = co_await pool.execute(kLoadPassName, pg_params(name, int(key)),
                                    phonebill::deadline_after(30s));
  if (!rows) co_return rows.error();
  if (rows->empty()) co_return PassState{std::move(start), false};
  co_return PassState{std::string{rows->text(0, "cursor")}, rows->boolean(0, "finished")};
}

boost::asio::awaitable<PgResult<void>> save_pass(storage::PgPool& pool, std::string_view name,
                                                 KeyId key, const std::string& cursor,
                                                 bool finished) {
  auto rows = co_await pool.execute(kSavePassName, pg_params(name, int(key), cursor, finished),
                                    phonebill::deadline_after(30s));
  if (!rows) co_return rows.error();
  co_return PgResult<void>{};
}

}  // namespace

std::string key_id_bytes(KeyId id) {
  return pg_bytea_text(std::string{char(id >> 8), char(id & 0xff)});
}

ResealPass::ResealPass(storage::PgPool& pool, const KeyRing& ring, std::vector<ResealTable> tables,
                       ResealOptions options)
    : pool_(pool), ring_(ring), tables_(std::move(tables)), options_(options) {}

void ResealPass::register_statements(storage::PgPool& pool) {
  pool.register_statement(kLoadPassName, kLoadPass);
  pool.register_statement(kSavePassName, kSavePass);
}

boost::asio::awaitable<PgResult<std::uint64_t>> ResealPass::run_table(const ResealTable& table) {
  const auto key = ring_.current_id();
  auto state = co_await load_pass(pool_, table.name, key, table.start_cursor);
  if (!state) co_return state.error();
  std::uint64_t sealed = 0;
  auto cursor = state->cursor;
  while (!state->finished) {
    auto rows = co_await pool_.execute(table.batch_statement,
                                       pg_params(cursor, key_id_bytes(key), options_.batch_size),
                                       phonebill::deadline_after(30s));
    if (!rows) co_return rows.error();
    for (std::size_t row = 0; row < rows->row_count(); ++row) {
      auto resealed = co_await table.reseal_row(*rows, row);
      if (!resealed) co_return resealed.error();
      sealed += resealed->updated;
      cursor = std::move(resealed->cursor);
    }
    const bool done = rows->row_count() < std::size_t(options_.batch_size);
    if (auto saved = co_await save_pass(pool_, table.name, key, cursor, done); !saved)
      co_return saved.error();
    if (done) break;
    co_await http::sleep_for(options_.pause);
  }
  co_return sealed;
}

boost::asio::awaitable<PgResult<ResealReport>> ResealPass::run() {
  ResealReport report;
  for (const auto& table : tables_) {
    auto sealed = co_await run_table(table);
    if (!sealed) co_return sealed.error();
    report.sealed.emplace_back(table.name, *sealed);
  }
  auto retired =
      co_await retire_keys_other_than(pool_, ring_.current_id(), phonebill::deadline_after(30s));
  if (!retired) co_return retired.error();
  report.finished = true;
  co_return report;
}

boost::asio::awaitable<void> run_reseal_pass_until_done(ResealPass& pass) {
  for (;;) {
    auto report = co_await pass.run();
    if (report) {
      boost::json::object fields;
      for (const auto& [table, sealed] : report->sealed) fields[table + "Sealed"] = sealed;
      log::info("data_key_pass_done", std::move(fields));
      co_return;
    }
    log::warn("data_key_pass_failed", {{"error", storage::describe(report.error())}});
    co_await http::sleep_for(std::chrono::minutes{1});
  }
}

}  // namespace phonebill::crypto
