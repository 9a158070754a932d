// PermissionCheckStore in PostgreSQL: answer and log a permission check in one statement.
#include "pg_permission_check_store.hpp"

#include "queries.hpp"

namespace phonebill::auth {

PgPermissionCheckStore::PgPermissionCheckStore(storage::PgPool& pool) : pool_(pool) {}

void PgPermissionCheckStore::register_statements(storage::PgPool& pool) {
  pool.register_statement(queries::kCheckPermissionName, queries::kCheckPermission);
}

boost::asio::awaitable<PgResult<bool>> PgPermissionCheckStore::check(PermissionCheck check,
                                                                     Deadline deadline) {
  auto parameters = storage::pg_params(check.user_id, check.session_id, check.service_type,
                                       check.request_id, to_epoch_ms(check.checked_at));
  auto rows =
      co_await pool_.execute(queries::kCheckPermissionName, std::move(parameters), deadline);
  if (!rows) co_return rows.error();
  co_return !rows->empty() && rows->boolean(0, "granted");
}

}  // namespace phonebill::auth
