// product-change's background re-encryption pass (issue 19 items 3 and 4,
// docs/security.md "Data protection"): seals the clear change records left from before
// db/product/006 (line, KOS's message, the fingerprint's line part, the line's blind
// index) and re-seals values of older keys under the current one, in batches while the
// service serves. product_changes is walked in request-id order from a cursor saved in
// data_key_passes after every batch, so a restarted instance resumes; no lock or
// transaction spans a batch, and each row's UPDATE is guarded by the values read (a
// concurrent settle wins and the row is read again). When done, the other keys are marked
// retired in data_key_checks: they may then leave the ring. A start after the pass has
// finished under the current key sweeps only the rows still clear (an index of their
// own), which an instance of the previous release may have written during a rolling
// upgrade. The outbox's event bodies (db/product/007) are the pass's second table, walked
// by crypto::ResealPass over outbox_store.reseal_table() once product_changes is done;
// keys are retired only after both (a body is never rewritten, so that pass's
// skip-on-concurrent-change does not arise there); bodies still clear are swept on every
// start, as product_changes' clear rows are. Entry points: ChangeSealPass::run,
// run_change_seal_pass.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>

#include "crypto/reseal_pass.hpp"
#include "sealed_changes.hpp"
#include "storage/pg_pool.hpp"

namespace phonebill::product {

struct ChangeSealPassOptions {
  std::int64_t batch_size = 200;
  std::chrono::milliseconds pause{20};  // between batches: serving goes first
};

class ChangeSealPass {
 public:
  // `outbox`: outbox_events as a pass table (outbox::OutboxStore::reseal_table()).
  ChangeSealPass(storage::PgPool& pool, const SealedChanges& sealed, crypto::ResealTable outbox,
                 ChangeSealPassOptions options = {});
  static void register_statements(storage::PgPool& pool);

  // Walks product_changes, then outbox_events, to their ends (or to the first database
  // error), then retires the keys other than the current one; the rows (re)sealed.
  boost::asio::awaitable<storage::PgResult<std::uint64_t>> run();

 private:
  // outbox_events rows whose body is still clear, sealed (every start); how many.
  boost::asio::awaitable<storage::PgResult<std::uint64_t>> seal_clear_bodies();

  storage::PgPool& pool_;
  const SealedChanges& sealed_;
  ChangeSealPassOptions options_;
  crypto::ResealTable outbox_;
  crypto::ResealPass outbox_pass_;  // walks outbox_ only; never retires keys itself
};

// ChangeSealPass::run until it finishes, retrying a minute after a database error; logs
// change_seal_pass_done with the count. Runs until finished or the io_context stops.
boost::asio::awaitable<void> run_change_seal_pass(ChangeSealPass& pass);

}  // namespace phonebill::product
