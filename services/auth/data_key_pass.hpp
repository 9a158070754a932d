// auth's background re-encryption pass (issue 19 items 3 and 4, docs/security.md "Data
// protection"): seals the clear rows left from before db/auth/004 and re-seals values of
// older keys under the current one, in batches while auth serves. Each table is walked
// in key order from a cursor saved in data_key_passes after every batch, so a restarted
// instance resumes where it stopped; no lock or transaction spans a batch, and each
// row's UPDATE is guarded by the value read (a concurrent change wins). When every table
// is done under the current key, the other keys are marked retired in data_key_checks:
// they may then leave the ring. Entry points: DataKeyPass::run, run_data_key_pass.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>

#include "sealed_fields.hpp"
#include "storage/pg_pool.hpp"

namespace phonebill::auth {

struct DataKeyPassOptions {
  std::int64_t batch_size = 200;
  std::chrono::milliseconds pause{20};  // between batches: serving goes first
};

struct DataKeyPassReport {
  std::uint64_t users_sealed = 0;
  std::uint64_t logins_sealed = 0;
  bool finished = false;  // every table done under the current key; others retired
};

class DataKeyPass {
 public:
  DataKeyPass(storage::PgPool& pool, const SealedFields& fields, DataKeyPassOptions options = {});
  static void register_statements(storage::PgPool& pool);

  // Runs every table to its end (or to the first database error).
  boost::asio::awaitable<PgResult<DataKeyPassReport>> run();

 private:
  boost::asio::awaitable<PgResult<std::uint64_t>> seal_users();
  boost::asio::awaitable<PgResult<std::uint64_t>> seal_logins();

  storage::PgPool& pool_;
  const SealedFields& fields_;
  DataKeyPassOptions options_;
};

// DataKeyPass::run until it finishes, retrying a minute after a database error; logs
// data_key_pass_done with the counts. Runs until finished or the io_context stops.
boost::asio::awaitable<void> run_data_key_pass(DataKeyPass& pass);

}  // namespace phonebill::auth
