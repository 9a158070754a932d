// UserStore in PostgreSQL (tables users and login_attempts; SQL in queries.hpp); names and
// lines sealed (sealed_fields.hpp).
// Entry points: PgUserStore::register_statements once, then the UserStore calls.
#pragma once
#include "sealed_fields.hpp"
#include "storage/pg_pool.hpp"
#include "user_store.hpp"

namespace phonebill::auth {

class PgUserStore final : public UserStore {
 public:
  // `fields` seals and opens the personal data (it must outlive the store).
  PgUserStore(storage::PgPool& pool, const SealedFields& fields);
  static void register_statements(storage::PgPool& pool);

  boost::asio::awaitable<PgResult<LoginReservation>> reserve_login_attempt(
      std::string user_id, LockoutPolicy policy, SystemTime now, Deadline deadline) override;
  boost::asio::awaitable<PgResult<void>> release_login_attempt(std::string user_id,
                                                               Reservation reservation,
                                                               SystemTime now,
                                                               Deadline deadline) override;
  boost::asio::awaitable<PgResult<SystemTime>> record_login_success(std::string user_id,
                                                                    SystemTime now,
                                                                    Deadline deadline) override;
  boost::asio::awaitable<PgResult<void>> update_password_hash(std::string user_id,
                                                              std::string password_hash,
                                                              Deadline deadline) override;
  boost::asio::awaitable<PgResult<std::optional<UserRecord>>> find_user(std::string user_id,
                                                                        Deadline deadline) override;
  // "User by line" through the blind index: the users whose line is `line_number`
  // (canonical form), in user id order.
  boost::asio::awaitable<PgResult<std::vector<UserRecord>>> find_users_by_line(
      std::string line_number, Deadline deadline);
  boost::asio::awaitable<PgResult<bool>> user_exists(std::string user_id,
                                                     Deadline deadline) override;
  boost::asio::awaitable<PgResult<bool>> insert_user(NewUser user, Deadline deadline) override;
  boost::asio::awaitable<PgResult<bool>> unlock(std::string user_id, SystemTime now,
                                                Deadline deadline) override;
  boost::asio::awaitable<PgResult<std::uint64_t>> purge_attempts(SystemTime now,
                                                                 SystemTime stale_before,
                                                                 Deadline deadline) override;

 private:
  storage::PgPool& pool_;
  const SealedFields& fields_;
};

}  // namespace phonebill::auth
