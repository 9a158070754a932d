// PermissionCheckStore in PostgreSQL (tables permission_checks; SQL in queries.hpp).
// Entry points: PgPermissionCheckStore::register_statements once, then the PermissionCheckStore
// calls.
#pragma once
#include "permission_check_store.hpp"
#include "storage/pg_pool.hpp"

namespace phonebill::auth {

class PgPermissionCheckStore final : public PermissionCheckStore {
 public:
  explicit PgPermissionCheckStore(storage::PgPool& pool);
  static void register_statements(storage::PgPool& pool);

  boost::asio::awaitable<PgResult<bool>> check(PermissionCheck check, Deadline deadline) override;

 private:
  storage::PgPool& pool_;
};

}  // namespace phonebill::auth
