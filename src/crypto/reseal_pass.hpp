// The background re-encryption pass, service-neutral (issue 19 items 3 and 4,
// docs/security.md "Data protection"): seals the clear rows left from before a service's
// sealing migration and re-seals values of older keys under the current one, in batches
// while the service serves. Each table is walked in key order from a cursor saved in
// data_key_passes after every batch, so a restarted instance resumes where it stopped; no
// lock or transaction spans a batch. A service describes each table (ResealTable): the
// statement that reads the next batch and the per-row re-seal, whose UPDATE is guarded
// by the values read (a concurrent change wins). When every table is done under the
// current key, the other keys are marked retired in data_key_checks: they may then leave
// the ring. Entry points: ResealPass::run, run_reseal_pass_until_done, key_id_bytes.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "crypto/key_ring.hpp"
#include "storage/pg_pool.hpp"

namespace phonebill::crypto {

// The two id bytes every value sealed by `id` carries at bytes 2-3, as a bytea parameter:
// a batch statement's "not yet under the current key" test is
// `substring(<column>_sealed FROM 2 FOR 2) <> $2::bytea`.
std::string key_id_bytes(KeyId id);

struct ResealOptions {
  std::int64_t batch_size = 200;
  std::chrono::milliseconds pause{20};  // between batches: serving goes first
};

// One row handled: how many rows its guarded UPDATE changed (0: changed meanwhile, left
// for the next run) and the cursor value just past it (the row's key, as text).
struct ResealedRow {
  std::uint64_t updated = 0;
  std::string cursor;
};

struct ResealTable {
  std::string name;          // its row in data_key_passes ("users", "bill_inquiries")
  std::string start_cursor;  // before the first key ("" for text keys, "0" for ids)
  // A registered statement: $1 cursor, $2 key_id_bytes(current), $3 batch size; returns
  // the rows after the cursor, in key order, that hold a clear or older-key value.
  std::string batch_statement;
  std::function<boost::asio::awaitable<storage::PgResult<ResealedRow>>(const storage::PgRows&,
                                                                       std::size_t)>
      reseal_row;
};

struct ResealReport {
  std::vector<std::pair<std::string, std::uint64_t>> sealed;  // table name, rows updated
  bool finished = false;  // every table done under the current key; others retired
};

class ResealPass {
 public:
  // Keeps references: pool and ring must outlive the pass.
  ResealPass(storage::PgPool& pool, const KeyRing& ring, std::vector<ResealTable> tables,
             ResealOptions options = {});
  // The cursor statements (data_key_passes); the tables' own statements are the service's.
  static void register_statements(storage::PgPool& pool);

  // Runs every table to its end (or to the first database error), then retires the keys.
  boost::asio::awaitable<storage::PgResult<ResealReport>> run();
  // One table to its end: the rows updated.
  boost::asio::awaitable<storage::PgResult<std::uint64_t>> run_table(const ResealTable& table);

 private:
  storage::PgPool& pool_;
  const KeyRing& ring_;
  std::vector<ResealTable> tables_;
  ResealOptions options_;
};

// ResealPass::run until it finishes, retrying a minute after a database error; logs
// data_key_pass_done with the rows updated per table ("<table>Sealed"). Runs until
// finished or the io_context stops.
boost::asio::awaitable<void> run_reseal_pass_until_done(ResealPass& pass);

}  // namespace phonebill::crypto
