// bill-inquiry's background re-encryption pass (issue 19 items 3 and 4, docs/security.md
// "Data protection"): bill_inquiry_requests, bill_kos_calls, bill_documents and
// outbox_events as tables of crypto::ResealPass (batched, resumable, guarded updates,
// older keys retired when done),
// so a database from before db/bill/004 is sealed in place while the service serves.
// Here: which rows each batch reads and how one row is re-sealed. Entry point:
// BillDataKeyPass (run through crypto::run_reseal_pass_until_done).
#pragma once
#include <boost/asio/awaitable.hpp>

#include "crypto/reseal_pass.hpp"
#include "crypto/sealed_columns.hpp"
#include "outbox/outbox_store.hpp"
#include "storage/pg_pool.hpp"

namespace phonebill::bill {

class BillDataKeyPass {
 public:
  // Keeps references; all must outlive the pass. `outbox` is the service's outbox store
  // (sealed bodies); its statements are registered with it.
  BillDataKeyPass(storage::PgPool& pool, const crypto::SealedColumns& sealed,
                  outbox::OutboxStore& outbox, crypto::ResealOptions options = {});
  static void register_statements(storage::PgPool& pool);

  crypto::ResealPass& pass() { return pass_; }

 private:
  boost::asio::awaitable<storage::PgResult<crypto::ResealedRow>> reseal_request(
      const storage::PgRows& rows, std::size_t row);
  boost::asio::awaitable<storage::PgResult<crypto::ResealedRow>> reseal_call(
      const storage::PgRows& rows, std::size_t row);
  boost::asio::awaitable<storage::PgResult<crypto::ResealedRow>> reseal_document(
      const storage::PgRows& rows, std::size_t row);

  storage::PgPool& pool_;
  const crypto::SealedColumns& sealed_;
  crypto::ResealPass pass_;
};

}  // namespace phonebill::bill
