// RevocationStore in PostgreSQL: see pg_revocation_store.hpp; SQL in queries.hpp.
#include "pg_revocation_store.hpp"

#include "queries.hpp"

namespace phonebill::auth {

using storage::pg_params;

namespace {

std::vector<Revocation> revocations_of(const storage::PgRows& rows) {
  std::vector<Revocation> revocations;
  for (std::size_t row = 0; row < rows.row_count(); ++row) {
    auto kind = security::parse_revocation_kind(rows.text(row, "kind"));
    if (!kind) continue;  // the table's CHECK allows only jti and sid
    revocations.push_back(Revocation{*kind, std::string{rows.text(row, "revoked_id")},
                                     from_epoch_ms(rows.int64(row, "expires_ms"))});
  }
  return revocations;
}

}  // namespace

PgRevocationStore::PgRevocationStore(storage::PgPool& pool) : pool_(pool) {}

void PgRevocationStore::register_statements(storage::PgPool& pool) {
  pool.register_statement(queries::kClaimRevocationsName, queries::kClaimRevocations);
  pool.register_statement(queries::kMarkRevocationPublishedName, queries::kMarkRevocationPublished);
  pool.register_statement(queries::kLiveRevocationsName, queries::kLiveRevocations);
  pool.register_statement(queries::kPurgeRevocationsName, queries::kPurgeRevocations);
}

boost::asio::awaitable<PgResult<ClaimedBatch>> PgRevocationStore::publish_unpublished(
    SystemTime now, std::size_t limit, PublishRevocation publish, Deadline deadline) {
  auto lease = co_await pool_.acquire(deadline);
  if (!lease) co_return lease.error();
  auto& connection = *lease;
  if (auto begun = co_await connection.begin(deadline); !begun) co_return begun.error();
  auto claimed = co_await connection.execute(
      queries::kClaimRevocationsName, pg_params(to_epoch_ms(now), static_cast<std::int64_t>(limit)),
      deadline);
  if (!claimed) co_return claimed.error();
  ClaimedBatch batch;
  const auto revocations = revocations_of(*claimed);
  batch.claimed = revocations.size();
  for (const auto& revocation : revocations) {
    if (!co_await publish(revocation)) break;  // Redis is away: the rest stay unpublished
    auto marked = co_await connection.execute(
        queries::kMarkRevocationPublishedName,
        pg_params(security::to_string(revocation.kind), revocation.id, to_epoch_ms(now)), deadline);
    if (!marked) co_return marked.error();
    ++batch.published;
  }
  if (auto committed = co_await connection.commit(deadline); !committed)
    co_return committed.error();
  co_return batch;
}

boost::asio::awaitable<PgResult<std::vector<Revocation>>> PgRevocationStore::live_page(
    SystemTime now, const Revocation& after, std::size_t limit, Deadline deadline) {
  std::string after_kind = after.id.empty() ? "" : std::string{security::to_string(after.kind)};
  auto rows = co_await pool_.execute(
      queries::kLiveRevocationsName,
      pg_params(to_epoch_ms(now), after_kind, after.id, static_cast<std::int64_t>(limit)),
      deadline);
  if (!rows) co_return rows.error();
  co_return revocations_of(*rows);
}

boost::asio::awaitable<PgResult<std::uint64_t>> PgRevocationStore::purge_expired(
    SystemTime now, Deadline deadline) {
  auto rows =
      co_await pool_.execute(queries::kPurgeRevocationsName, pg_params(to_epoch_ms(now)), deadline);
  if (!rows) co_return rows.error();
  co_return rows->affected_rows();
}

}  // namespace phonebill::auth
