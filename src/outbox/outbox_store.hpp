// The outbox table (db/bill/003, db/product/004) for the code that writes events and the
// relay that delivers them. Writers insert with insert_in, inside the transaction that
// writes the record the events describe (so both commit or neither does), or with insert
// for events that describe no row (a breaker's transition). The relay claims, then marks
// each claimed event delivered or failed; admins re-drive dead letters. The SQL is in
// outbox_queries.hpp. Bodies are sealed at rest (SPEC §14: an event names the line and
// shows the bill): written as body_sealed, bound to the event id, and opened by claim for
// the relay, so the MVNO receives the same document; a row from before the sealing
// migration is read clear and sealed by the service's re-encryption pass (reseal_table).
// Entry points: OutboxStore::register_statements, insert_in, claim, reseal_table.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "crypto/reseal_pass.hpp"
#include "crypto/sealed_columns.hpp"
#include "outbox_event.hpp"
#include "storage/pg_result.hpp"

namespace phonebill::storage {
class PgPool;
class PgLease;
}  // namespace phonebill::storage

namespace phonebill::outbox {

// One claimed event, leased to this relay.
struct ClaimedEvent {
  std::int64_t sequence = 0;
  std::string event_id;
  std::string event_type;
  std::string body;  // JSON text, sent as it is
  int attempts = 0;  // including this one
  // The sealed body did not open (a key missing from the ring): never sent, failed.
  bool unreadable = false;
};

struct OutboxStats {
  std::int64_t pending = 0;
  std::int64_t dead = 0;
  double lag_seconds = 0;  // age of the oldest undelivered event
};

enum class Redrive { kRedriven, kNotFound, kNotDead };

// The associated data's field of a sealed body; the row part is the event id.
inline constexpr std::string_view kBodyField = "outbox_events.body";

class OutboxStore {
 public:
  // Keeps references: the pool and `sealer` (its key ring) must outlive the store. Bodies
  // are sealed; the table must have body_sealed (db/bill/004).
  OutboxStore(storage::PgPool& pool, const crypto::SealedColumns& sealer)
      : pool_(pool), sealer_(&sealer) {}
  // Clear bodies, for a service whose outbox table has no body_sealed column yet.
  explicit OutboxStore(storage::PgPool& pool) : pool_(pool) {}
  static void register_statements(storage::PgPool& pool);

  // Inserts `events` on `lease`, in the caller's open transaction, their bodies sealed by
  // `sealer`. No events: no statement.
  static boost::asio::awaitable<storage::PgResult<void>> insert_in(
      storage::PgLease& lease, const std::vector<OutboxEvent>& events,
      const crypto::SealedColumns& sealer, Deadline deadline);
  // The same with clear bodies (no body_sealed column yet).
  static boost::asio::awaitable<storage::PgResult<void>> insert_in(
      storage::PgLease& lease, const std::vector<OutboxEvent>& events, Deadline deadline);
  // Inserts `events` in a statement of their own.
  boost::asio::awaitable<storage::PgResult<void>> insert(std::vector<OutboxEvent> events,
                                                         Deadline deadline);

  // Up to `batch` due events, each the oldest undelivered one of its order key, leased
  // for `lease`, their bodies opened (a body that does not open: `unreadable`, logged).
  boost::asio::awaitable<storage::PgResult<std::vector<ClaimedEvent>>> claim(
      int batch, std::chrono::milliseconds lease, Deadline deadline);
  boost::asio::awaitable<storage::PgResult<void>> delivered(std::int64_t sequence,
                                                            Deadline deadline);
  // Rescheduled after `retry_after`, or DEAD (true) once retried for longer than `dead_after`.
  boost::asio::awaitable<storage::PgResult<bool>> failed(std::int64_t sequence,
                                                         std::chrono::milliseconds retry_after,
                                                         std::string error,
                                                         std::chrono::milliseconds dead_after,
                                                         Deadline deadline);
  boost::asio::awaitable<storage::PgResult<Redrive>> redeliver(std::string event_id,
                                                               Deadline deadline);
  boost::asio::awaitable<storage::PgResult<OutboxStats>> stats(Deadline deadline);
  // Delivered events older than `retention` go (at most 1000 a call); how many went.
  boost::asio::awaitable<storage::PgResult<std::uint64_t>> purge(
      std::chrono::milliseconds retention, Deadline deadline);

  // outbox_events as a table of the service's re-encryption pass: clear bodies from
  // before the sealing migration and bodies of older keys sealed under the current key.
  // Only for a store made with a sealer.
  crypto::ResealTable reseal_table();

 private:
  boost::asio::awaitable<storage::PgResult<crypto::ResealedRow>> reseal_row(
      const storage::PgRows& rows, std::size_t row);

  storage::PgPool& pool_;
  const crypto::SealedColumns* sealer_ = nullptr;  // null: clear bodies
};

}  // namespace phonebill::outbox
