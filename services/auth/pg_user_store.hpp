// UserStore in PostgreSQL (tables users and login_attempts; SQL in queries.hpp).
// Entry points: PgUserStore::register_statements once, then the UserStore calls.
#pragma once
#include "storage/pg_pool.hpp"
#include "user_store.hpp"

namespace phonebill::auth {

class PgUserStore final : public UserStore {
 public:
  explicit PgUserStore(storage::PgPool& pool);
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
};

}  // namespace phonebill::auth
