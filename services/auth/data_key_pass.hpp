// auth's background re-encryption pass (issue 19 items 3 and 4, docs/security.md "Data
// protection"): users and login_history as tables of crypto::ResealPass (batched,
// resumable, guarded updates, keys retired when done). Here: which rows each batch reads
// and how one row is re-sealed. Entry points: DataKeyPass::run, run_data_key_pass.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <cstdint>

#include "crypto/reseal_pass.hpp"
#include "sealed_fields.hpp"
#include "storage/pg_pool.hpp"

namespace phonebill::auth {

using DataKeyPassOptions = crypto::ResealOptions;

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
  boost::asio::awaitable<PgResult<crypto::ResealedRow>> reseal_user(const storage::PgRows& rows,
                                                                    std::size_t row);
  boost::asio::awaitable<PgResult<crypto::ResealedRow>> reseal_login(const storage::PgRows& rows,
                                                                     std::size_t row);

  storage::PgPool& pool_;
  const SealedFields& fields_;
  crypto::ResealPass pass_;
};

// DataKeyPass::run until it finishes, retrying a minute after a database error; logs
// data_key_pass_done with the counts. Runs until finished or the io_context stops.
boost::asio::awaitable<void> run_data_key_pass(DataKeyPass& pass);

}  // namespace phonebill::auth
