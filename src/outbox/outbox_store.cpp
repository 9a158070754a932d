// OutboxStore: the outbox table through the statements of outbox_queries.hpp (see
// outbox_store.hpp).
#include "outbox_store.hpp"

#include <algorithm>
#include <charconv>

#include "core/json.hpp"
#include "core/log.hpp"
#include "outbox_queries.hpp"
#include "storage/pg_pool.hpp"

namespace phonebill::outbox {

using storage::pg_params;

namespace {

// The insert statement's rows: each body sealed for its event id, as plain hex (the
// statement decodes it; a bytea's "\x" text form does not survive a text-to-bytea cast).
std::string sealed_rows(const std::vector<OutboxEvent>& events,
                        const crypto::SealedColumns& sealer) {
  boost::json::array rows;
  for (const auto& event : events) {
    auto sealed = sealer.seal(kBodyField, event.id, to_json_text(to_body(event)));
    rows.push_back(boost::json::object{{"event_id", event.id},
                                       {"event_type", event.type},
                                       {"order_key", event.order_key},
                                       {"body_sealed", sealed.substr(2)}});
  }
  return to_json_text(rows);
}

}  // namespace

void OutboxStore::register_statements(storage::PgPool& pool) {
  for (auto [name, sql] : {std::pair{queries::kInsertName, queries::kInsert},
                           std::pair{queries::kClaimName, queries::kClaim},
                           std::pair{queries::kDeliveredName, queries::kDelivered},
                           std::pair{queries::kFailedName, queries::kFailed},
                           std::pair{queries::kRedeliverName, queries::kRedeliver},
                           std::pair{queries::kStatusName, queries::kStatus},
                           std::pair{queries::kStatsName, queries::kStats},
                           std::pair{queries::kPurgeName, queries::kPurge},
                           std::pair{queries::kInsertSealedName, queries::kInsertSealed},
                           std::pair{queries::kToSealName, queries::kToSeal},
                           std::pair{queries::kResealName, queries::kReseal}})
    pool.register_statement(std::string{name}, std::string{sql});
  std::string claim_sealed{queries::kClaim};
  claim_sealed.insert(claim_sealed.rfind(", o.attempts"), ", o.body_sealed");
  pool.register_statement(std::string{queries::kClaimSealedName}, std::move(claim_sealed));
}

boost::asio::awaitable<storage::PgResult<void>> OutboxStore::insert_in(
    storage::PgLease& lease, const std::vector<OutboxEvent>& events,
    const crypto::SealedColumns& sealer, Deadline deadline) {
  if (events.empty()) co_return storage::PgResult<void>{};
  auto params = pg_params(sealed_rows(events, sealer));
  auto inserted = co_await lease.execute(queries::kInsertSealedName, params, deadline);
  if (!inserted) co_return inserted.error();
  co_return storage::PgResult<void>{};
}

boost::asio::awaitable<storage::PgResult<void>> OutboxStore::insert_in(
    storage::PgLease& lease, const std::vector<OutboxEvent>& events, Deadline deadline) {
  if (events.empty()) co_return storage::PgResult<void>{};
  auto params = pg_params(to_json_text(to_rows(events)));
  auto inserted = co_await lease.execute(queries::kInsertName, params, deadline);
  if (!inserted) co_return inserted.error();
  co_return storage::PgResult<void>{};
}

boost::asio::awaitable<storage::PgResult<void>> OutboxStore::insert(std::vector<OutboxEvent> events,
                                                                    Deadline deadline) {
  if (events.empty()) co_return storage::PgResult<void>{};
  auto params =
      sealer_ ? pg_params(sealed_rows(events, *sealer_)) : pg_params(to_json_text(to_rows(events)));
  auto inserted = co_await pool_.execute(
      sealer_ ? queries::kInsertSealedName : queries::kInsertName, params, deadline);
  if (!inserted) co_return inserted.error();
  co_return storage::PgResult<void>{};
}

boost::asio::awaitable<storage::PgResult<std::vector<ClaimedEvent>>> OutboxStore::claim(
    int batch, std::chrono::milliseconds lease, Deadline deadline) {
  auto params = pg_params(std::int64_t(batch), std::int64_t(lease.count()));
  auto rows = co_await pool_.execute(sealer_ ? queries::kClaimSealedName : queries::kClaimName,
                                     params, deadline);
  if (!rows) co_return rows.error();
  std::vector<ClaimedEvent> claimed;
  claimed.reserve(rows->row_count());
  for (std::size_t row = 0; row < rows->row_count(); ++row) {
    ClaimedEvent event{rows->int64(row, "sequence"),
                       std::string{rows->text(row, "event_id")},
                       std::string{rows->text(row, "event_type")},
                       {},
                       int(rows->int64(row, "attempts"))};
    // Sealed since db/bill/004 (db/product's likewise); clear if written before.
    auto body = sealer_ ? sealer_->read(*rows, row, "body", kBodyField, event.event_id)
                        : storage::PgResult<std::string>{std::string{rows->text(row, "body")}};
    if (body) {
      event.body = std::move(*body);
    } else {
      event.unreadable = true;
      log::error("outbox_body_unreadable", {{"eventId", event.event_id}});
    }
    claimed.push_back(std::move(event));
  }
  // RETURNING follows no order: the relay sends oldest first.
  std::sort(claimed.begin(), claimed.end(),
            [](const auto& a, const auto& b) { return a.sequence < b.sequence; });
  co_return claimed;
}

boost::asio::awaitable<storage::PgResult<void>> OutboxStore::delivered(std::int64_t sequence,
                                                                       Deadline deadline) {
  auto params = pg_params(sequence);
  auto updated = co_await pool_.execute(queries::kDeliveredName, params, deadline);
  if (!updated) co_return updated.error();
  co_return storage::PgResult<void>{};
}

boost::asio::awaitable<storage::PgResult<bool>> OutboxStore::failed(
    std::int64_t sequence, std::chrono::milliseconds retry_after, std::string error,
    std::chrono::milliseconds dead_after, Deadline deadline) {
  auto params = pg_params(sequence, std::int64_t(retry_after.count()), error,
                          std::int64_t(dead_after.count()));
  auto rows = co_await pool_.execute(queries::kFailedName, params, deadline);
  if (!rows) co_return rows.error();
  co_return !rows->empty() && rows->text(0, "status") == "DEAD";
}

boost::asio::awaitable<storage::PgResult<Redrive>> OutboxStore::redeliver(std::string event_id,
                                                                          Deadline deadline) {
  auto params = pg_params(event_id);
  auto rows = co_await pool_.execute(queries::kRedeliverName, params, deadline);
  if (!rows) co_return rows.error();
  if (!rows->empty()) co_return Redrive::kRedriven;
  auto found = co_await pool_.execute(queries::kStatusName, params, deadline);
  if (!found) co_return found.error();
  co_return found->empty() ? Redrive::kNotFound : Redrive::kNotDead;
}

boost::asio::awaitable<storage::PgResult<OutboxStats>> OutboxStore::stats(Deadline deadline) {
  storage::PgParams none;  // named: GCC 12 and braced temporaries in co_await (pg_result.hpp)
  auto rows = co_await pool_.execute(queries::kStatsName, none, deadline);
  if (!rows) co_return rows.error();
  OutboxStats stats;
  if (rows->empty()) co_return stats;
  stats.pending = rows->int64(0, "pending");
  stats.dead = rows->int64(0, "dead");
  auto lag = rows->text(0, "lag_seconds");
  std::from_chars(lag.data(), lag.data() + lag.size(), stats.lag_seconds);
  co_return stats;
}

boost::asio::awaitable<storage::PgResult<std::uint64_t>> OutboxStore::purge(
    std::chrono::milliseconds retention, Deadline deadline) {
  auto params = pg_params(std::int64_t(retention.count()));
  auto rows = co_await pool_.execute(queries::kPurgeName, params, deadline);
  if (!rows) co_return rows.error();
  co_return rows->affected_rows();
}

crypto::ResealTable OutboxStore::reseal_table() {
  return crypto::ResealTable{
      "outbox_events", "0", std::string{queries::kToSealName},
      [this](const storage::PgRows& rows, std::size_t row) { return reseal_row(rows, row); }};
}

boost::asio::awaitable<storage::PgResult<crypto::ResealedRow>> OutboxStore::reseal_row(
    const storage::PgRows& rows, std::size_t row) {
  const std::string event_id{rows.text(row, "event_id")};
  auto body = sealer_->read(rows, row, "body", kBodyField, event_id);
  if (!body) co_return body.error();
  const std::string sequence{rows.text(row, "sequence")};
  auto params = pg_params(sequence, sealer_->seal(kBodyField, event_id, *body),
                          rows.optional_text(row, "body_sealed"));
  auto updated = co_await pool_.execute(queries::kResealName, params,
                                        deadline_after(std::chrono::seconds{30}));
  if (!updated) co_return updated.error();
  co_return crypto::ResealedRow{updated->affected_rows(), sequence};
}

}  // namespace phonebill::outbox
