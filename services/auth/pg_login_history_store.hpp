// LoginHistoryStore in PostgreSQL (tables login_history; SQL in queries.hpp).
// Entry points: PgLoginHistoryStore::register_statements once, then the LoginHistoryStore calls.
#pragma once
#include "login_history_store.hpp"
#include "sealed_fields.hpp"
#include "storage/pg_pool.hpp"

namespace phonebill::auth {

class PgLoginHistoryStore final : public LoginHistoryStore {
 public:
  // `fields` seals and opens the personal data (it must outlive the store).
  PgLoginHistoryStore(storage::PgPool& pool, const SealedFields& fields);
  static void register_statements(storage::PgPool& pool);

  boost::asio::awaitable<PgResult<void>> record(LoginHistoryEntry entry,
                                                Deadline deadline) override;
  boost::asio::awaitable<PgResult<LoginHistoryPage>> page(std::string user_id, std::int64_t page,
                                                          std::int64_t size,
                                                          Deadline deadline) override;

 private:
  storage::PgPool& pool_;
  const SealedFields& fields_;
};

}  // namespace phonebill::auth
