// UserStore in PostgreSQL: the lockout counter under a row lock, users and their locks.
#include "pg_user_store.hpp"

#include "queries.hpp"

namespace phonebill::auth {

using storage::pg_params;
using storage::PgParams;

namespace {

AttemptState attempt_state_of(const storage::PgRows& rows, std::size_t row = 0) {
  AttemptState state;
  state.failed_attempts = int(rows.int64(row, "failed_attempts"));
  state.locked_until = optional_time(rows, row, "locked_until_ms");
  state.last_failure_at = optional_time(rows, row, "last_failure_ms");
  return state;
}

// Row `row` as a user, its name and line opened (an error if either does not open).
PgResult<UserRecord> user_of(const storage::PgRows& rows, const SealedFields& fields,
                             std::size_t row = 0) {
  UserRecord user;
  user.user_id = std::string{rows.text(row, "user_id")};
  auto name = fields.read(rows, row, "user_name", kUserNameField, user.user_id);
  if (!name) return name.error();
  auto line = fields.read(rows, row, "line_number", kLineNumberField, user.user_id);
  if (!line) return line.error();
  user.user_name = std::move(*name);
  user.customer_id = std::string{rows.text(row, "customer_id")};
  user.line_number = std::move(*line);
  user.permissions = split_permissions(rows.text(row, "permissions"));
  user.last_login_at = optional_time(rows, row, "last_login_ms");
  user.attempts = attempt_state_of(rows, row);
  return user;
}

}  // namespace

PgUserStore::PgUserStore(storage::PgPool& pool, const SealedFields& fields)
    : pool_(pool), fields_(fields) {}

void PgUserStore::register_statements(storage::PgPool& pool) {
  pool.register_statement(queries::kLockAttemptName, queries::kLockAttempt);
  pool.register_statement(queries::kStoreAttemptName, queries::kStoreAttempt);
  pool.register_statement(queries::kLockAttemptStateName, queries::kLockAttemptState);
  pool.register_statement(queries::kLoginSucceededName, queries::kLoginSucceeded);
  pool.register_statement(queries::kUpdatePasswordHashName, queries::kUpdatePasswordHash);
  pool.register_statement(queries::kFindUserName, queries::kFindUser);
  pool.register_statement(queries::kFindUserByLineName, queries::kFindUserByLine);
  pool.register_statement(queries::kInsertUserName, queries::kInsertUser);
  pool.register_statement(queries::kUserExistsName, queries::kUserExists);
  pool.register_statement(queries::kUnlockName, queries::kUnlock);
  pool.register_statement(queries::kPurgeAttemptsName, queries::kPurgeAttempts);
}

boost::asio::awaitable<PgResult<LoginReservation>> PgUserStore::reserve_login_attempt(
    std::string user_id, LockoutPolicy policy, SystemTime now, Deadline deadline) {
  // Whole milliseconds, as stored: release_login_attempt compares the stored state with
  // the reservation's.
  now = from_epoch_ms(to_epoch_ms(now));
  auto lease = co_await pool_.acquire(deadline);
  if (!lease) co_return lease.error();
  auto& connection = *lease;
  if (auto begun = co_await connection.begin(deadline); !begun) co_return begun.error();
  auto locked = co_await connection.execute(queries::kLockAttemptName,
                                            pg_params(user_id, to_epoch_ms(now)), deadline);
  if (!locked) co_return locked.error();

  LoginReservation result;
  result.reservation = reserve_attempt(attempt_state_of(*locked), policy, now);
  if (!locked->is_null(0, "user_id")) {
    auto user = user_of(*locked, fields_);
    if (!user) co_return user.error();  // the transaction rolls back with the lease
    result.user = std::move(*user);
    result.user->attempts = result.reservation.next;
    result.password_hash = std::string{locked->text(0, "password_hash")};
  }
  if (result.reservation.kind == ReservationKind::kLocked) {
    if (auto done = co_await connection.rollback(deadline); !done) co_return done.error();
    result.password_hash.clear();
    co_return result;
  }
  const auto& next = result.reservation.next;
  auto stored = co_await connection.execute(
      queries::kStoreAttemptName,
      pg_params(user_id, next.failed_attempts, to_epoch_ms(next.locked_until),
                to_epoch_ms(next.last_failure_at), to_epoch_ms(now)),
      deadline);
  if (!stored) co_return stored.error();
  if (auto committed = co_await connection.commit(deadline); !committed)
    co_return committed.error();
  co_return result;
}

boost::asio::awaitable<PgResult<void>> PgUserStore::release_login_attempt(std::string user_id,
                                                                          Reservation reservation,
                                                                          SystemTime now,
                                                                          Deadline deadline) {
  if (reservation.kind != ReservationKind::kVerify) co_return PgResult<void>{};
  auto lease = co_await pool_.acquire(deadline);
  if (!lease) co_return lease.error();
  auto& connection = *lease;
  if (auto begun = co_await connection.begin(deadline); !begun) co_return begun.error();
  auto locked =
      co_await connection.execute(queries::kLockAttemptStateName, pg_params(user_id), deadline);
  if (!locked) co_return locked.error();
  if (!locked->empty()) {
    const auto released = release_attempt(attempt_state_of(*locked), reservation);
    auto stored = co_await connection.execute(
        queries::kStoreAttemptName,
        pg_params(user_id, released.failed_attempts, to_epoch_ms(released.locked_until),
                  to_epoch_ms(released.last_failure_at), to_epoch_ms(now)),
        deadline);
    if (!stored) co_return stored.error();
  }
  if (auto committed = co_await connection.commit(deadline); !committed)
    co_return committed.error();
  co_return PgResult<void>{};
}

boost::asio::awaitable<PgResult<SystemTime>> PgUserStore::record_login_success(std::string user_id,
                                                                               SystemTime now,
                                                                               Deadline deadline) {
  auto rows = co_await pool_.execute(queries::kLoginSucceededName,
                                     pg_params(user_id, to_epoch_ms(now)), deadline);
  if (!rows) co_return rows.error();
  if (rows->empty()) co_return now;  // the user was deleted meanwhile; nothing to record
  co_return from_epoch_ms(rows->int64(0, "last_login_ms"));
}

boost::asio::awaitable<PgResult<void>> PgUserStore::update_password_hash(std::string user_id,
                                                                         std::string password_hash,
                                                                         Deadline deadline) {
  auto rows = co_await pool_.execute(queries::kUpdatePasswordHashName,
                                     pg_params(user_id, password_hash), deadline);
  if (!rows) co_return rows.error();
  co_return PgResult<void>{};
}

boost::asio::awaitable<PgResult<std::optional<UserRecord>>> PgUserStore::find_user(
    std::string user_id, Deadline deadline) {
  auto rows = co_await pool_.execute(queries::kFindUserName, pg_params(user_id), deadline);
  if (!rows) co_return rows.error();
  if (rows->empty()) co_return std::optional<UserRecord>{};
  auto user = user_of(*rows, fields_);
  if (!user) co_return user.error();
  co_return std::optional<UserRecord>{std::move(*user)};
}

boost::asio::awaitable<PgResult<std::vector<UserRecord>>> PgUserStore::find_users_by_line(
    std::string line_number, Deadline deadline) {
  auto rows = co_await pool_.execute(queries::kFindUserByLineName,
                                     pg_params(fields_.line_index(line_number)), deadline);
  if (!rows) co_return rows.error();
  std::vector<UserRecord> users;
  for (std::size_t row = 0; row < rows->row_count(); ++row) {
    auto user = user_of(*rows, fields_, row);
    if (!user) co_return user.error();
    users.push_back(std::move(*user));
  }
  co_return users;
}

boost::asio::awaitable<PgResult<bool>> PgUserStore::user_exists(std::string user_id,
                                                                Deadline deadline) {
  auto rows = co_await pool_.execute(queries::kUserExistsName, pg_params(user_id), deadline);
  if (!rows) co_return rows.error();
  co_return !rows->empty();
}

boost::asio::awaitable<PgResult<bool>> PgUserStore::insert_user(NewUser user, Deadline deadline) {
  auto parameters = pg_params(
      user.user_id, user.password_hash, fields_.seal(kUserNameField, user.user_id, user.user_name),
      user.customer_id, fields_.seal(kLineNumberField, user.user_id, user.line_number),
      to_array_literal(user.permissions), fields_.line_index(user.line_number));
  auto rows = co_await pool_.execute(queries::kInsertUserName, std::move(parameters), deadline);
  if (!rows) co_return rows.error();
  co_return !rows->empty();
}

boost::asio::awaitable<PgResult<bool>> PgUserStore::unlock(std::string user_id, SystemTime now,
                                                           Deadline deadline) {
  auto rows =
      co_await pool_.execute(queries::kUnlockName, pg_params(user_id, to_epoch_ms(now)), deadline);
  if (!rows) co_return rows.error();
  co_return rows->int64(0, "found") > 0;
}

boost::asio::awaitable<PgResult<std::uint64_t>> PgUserStore::purge_attempts(SystemTime now,
                                                                            SystemTime stale_before,
                                                                            Deadline deadline) {
  auto rows =
      co_await pool_.execute(queries::kPurgeAttemptsName,
                             pg_params(to_epoch_ms(now), to_epoch_ms(stale_before)), deadline);
  if (!rows) co_return rows.error();
  co_return rows->affected_rows();
}

}  // namespace phonebill::auth
