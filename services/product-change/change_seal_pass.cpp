// The re-encryption pass over product_changes (change_seal_pass.hpp).
#include "change_seal_pass.hpp"

#include "core/log.hpp"
#include "crypto/database_key_check.hpp"
#include "http/sleep.hpp"
#include "queries.hpp"

namespace phonebill::product {

using storage::pg_params;
using storage::PgResult;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view kPassName = "product_changes";

// The two id bytes every value sealed by `id` carries (bytea text).
std::string key_bytes(crypto::KeyId id) {
  return crypto::pg_bytea_text(std::string{char(id >> 8), char(id & 0xff)});
}

struct Resealed {
  std::uint64_t sealed = 0;
  std::string cursor;  // the last row done: the next batch starts after it
  bool done = false;   // the table's end was reached
  std::string retry;   // the row that changed under the batch: read again once
};

}  // namespace

ChangeSealPass::ChangeSealPass(storage::PgPool& pool, const SealedChanges& sealed,
                               crypto::ResealTable outbox, ChangeSealPassOptions options)
    : pool_(pool),
      sealed_(sealed),
      options_(options),
      outbox_(outbox),
      outbox_pass_(pool, sealed.cipher().ring(), {std::move(outbox)},
                   crypto::ResealOptions{options.batch_size, options.pause}) {}

void ChangeSealPass::register_statements(storage::PgPool& pool) {
  pool.register_statement(std::string{queries::kChangesToSealName},
                          std::string{queries::kChangesToSeal});
  pool.register_statement(std::string{queries::kClearChangesToSealName},
                          std::string{queries::kClearChangesToSeal});
  pool.register_statement(std::string{queries::kResealChangeName},
                          std::string{queries::kResealChange});
  pool.register_statement(std::string{queries::kLoadPassName}, std::string{queries::kLoadPass});
  pool.register_statement(std::string{queries::kSavePassName}, std::string{queries::kSavePass});
  pool.register_statement(std::string{queries::kClearEventsToSealName},
                          std::string{queries::kClearEventsToSeal});
  crypto::ResealPass::register_statements(pool);  // the outbox table's cursor
}

namespace {

// One batch from `cursor`: each row opened (either form) and sealed again under the
// current key. A row whose guard fails (settled meanwhile) ends the batch before it, so
// the next batch reads it again (`retried`: the row that happened to last time).
boost::asio::awaitable<PgResult<Resealed>> reseal_batch(storage::PgPool& pool,
                                                        const SealedChanges& sealed,
                                                        std::string cursor, std::int64_t batch_size,
                                                        const std::string& retried,
                                                        bool clear_only) {
  const auto key = sealed.cipher().ring().current_id();
  auto rows = co_await pool.execute(
      clear_only ? queries::kClearChangesToSealName : queries::kChangesToSealName,
      pg_params(cursor, key_bytes(key), batch_size), phonebill::deadline_after(30s));
  if (!rows) co_return rows.error();
  Resealed batch{0, std::move(cursor), rows->row_count() < std::size_t(batch_size)};
  for (std::size_t row = 0; row < rows->row_count(); ++row) {
    const std::string request_id{rows->text(row, "request_id")};
    bool refused = false;
    auto line = sealed.read_line(*rows, row, request_id);
    auto message = sealed.read_message(*rows, row, request_id, refused);
    if (!line || refused)
      co_return storage::local_error(storage::PgErrorKind::kQuery,
                                     "a sealed value of change " + request_id + " does not open");
    std::optional<std::string> sealed_message;
    if (message) sealed_message = sealed.seal(kResultMessageField, request_id, *message);
    const auto fingerprint = sealed.domain_fingerprint(rows->text(row, "fingerprint"), *line);
    auto updated = co_await pool.execute(
        queries::kResealChangeName,
        pg_params(request_id, rows->text(row, "requested_at"),
                  sealed.seal(kLineNumberField, request_id, *line), sealed.line_index(*line),
                  sealed_message, sealed.stored_fingerprint(fingerprint, *line),
                  rows->optional_text(row, "line_number_sealed"),
                  rows->optional_text(row, "result_message_sealed"),
                  rows->optional_text(row, "result_message")),
        phonebill::deadline_after(30s));
    if (!updated) co_return updated.error();
    if (updated->affected_rows() == 0) {
      // Changed since read (a settle): read it again in the next batch; if it moved
      // again in between, it is left for the next pass rather than chased.
      if (request_id != retried) {
        batch.retry = request_id;
        batch.done = false;
        co_return batch;
      }
      log::warn("change_seal_pass_skipped", {{"requestId", request_id}});
    }
    batch.sealed += updated->affected_rows();
    batch.cursor = request_id;
  }
  co_return batch;
}

}  // namespace

boost::asio::awaitable<PgResult<std::uint64_t>> ChangeSealPass::run() {
  const auto key = sealed_.cipher().ring().current_id();
  auto state = co_await pool_.execute(queries::kLoadPassName, pg_params(kPassName, int(key)),
                                      phonebill::deadline_after(30s));
  if (!state) co_return state.error();
  std::uint64_t sealed = 0;
  // Finished under this key before: only clear rows can be left (written by an instance
  // of the previous release during a rolling upgrade); swept through their own index.
  const bool clear_only = !state->empty() && state->boolean(0, "finished");
  std::string cursor =
      state->empty() || clear_only ? std::string{} : std::string{state->text(0, "cursor")};
  std::string retry;
  for (bool finished = false; !finished;) {
    auto batch =
        co_await reseal_batch(pool_, sealed_, cursor, options_.batch_size, retry, clear_only);
    if (!batch) co_return batch.error();
    retry = batch->retry;
    sealed += batch->sealed;
    cursor = batch->cursor;
    finished = batch->done;
    if (!clear_only) {
      auto saved = co_await pool_.execute(queries::kSavePassName,
                                          pg_params(kPassName, int(key), cursor, finished),
                                          phonebill::deadline_after(30s));
      if (!saved) co_return saved.error();
    }
    if (!finished) co_await http::sleep_for(options_.pause);
  }
  // The outbox's bodies too before any key is retired: a key may leave the ring only when
  // nothing in this database is sealed with it (its cursor is "outbox_events").
  auto bodies = co_await outbox_pass_.run_table(outbox_);
  if (!bodies) co_return bodies.error();
  sealed += *bodies;
  // ResealPass does not look again once finished under this key: the clear bodies left
  // (a previous release's instance during a rolling upgrade) are swept here, every start.
  auto clear_bodies = co_await seal_clear_bodies();
  if (!clear_bodies) co_return clear_bodies.error();
  sealed += *clear_bodies;
  auto retired =
      co_await crypto::retire_keys_other_than(pool_, key, phonebill::deadline_after(30s));
  if (!retired) co_return retired.error();
  co_return sealed;
}

boost::asio::awaitable<PgResult<std::uint64_t>> ChangeSealPass::seal_clear_bodies() {
  std::uint64_t sealed = 0;
  std::string cursor = "0";
  for (;;) {
    auto rows = co_await pool_.execute(queries::kClearEventsToSealName,
                                       pg_params(cursor, options_.batch_size),
                                       phonebill::deadline_after(30s));
    if (!rows) co_return rows.error();
    for (std::size_t row = 0; row < rows->row_count(); ++row) {
      auto done = co_await outbox_.reseal_row(*rows, row);
      if (!done) co_return done.error();
      sealed += done->updated;  // 0: purged meanwhile
      cursor = done->cursor;
    }
    if (rows->row_count() < std::size_t(options_.batch_size)) co_return sealed;
    co_await http::sleep_for(options_.pause);
  }
}

boost::asio::awaitable<void> run_change_seal_pass(ChangeSealPass& pass) {
  for (;;) {
    auto sealed = co_await pass.run();
    if (sealed) {
      log::info("change_seal_pass_done", {{"changesSealed", *sealed}});
      co_return;
    }
    log::warn("change_seal_pass_failed", {{"error", storage::describe(sealed.error())}});
    co_await http::sleep_for(std::chrono::minutes{1});
  }
}

}  // namespace phonebill::product
