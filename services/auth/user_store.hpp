// Users, their credentials and lock state (tables users and login_attempts). The one
// subtle call is reserve_login_attempt: it counts an attempt under a row lock before the
// password is checked, so the lockout rules hold under any concurrency (docs/auth.md).
// The role (an interface: PgUserStore is the database, tests use a fake).
#pragma once
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

#include "lockout_rules.hpp"
#include "store_support.hpp"

namespace phonebill::auth {

struct UserRecord {
  std::string user_id;
  std::string user_name;
  std::string customer_id;
  std::string line_number;
  std::vector<std::string> permissions;
  std::optional<SystemTime> last_login_at;
  AttemptState attempts;
};

// The outcome of reserving one login attempt for an id.
struct LoginReservation {
  Reservation reservation;
  std::optional<UserRecord> user;  // nullopt for an unknown id
  std::string password_hash;       // the user's, when the attempt may verify
};

struct NewUser {
  std::string user_id;
  std::string password_hash;
  std::string user_name;
  std::string customer_id;
  std::string line_number;
  std::vector<std::string> permissions;
};

class UserStore {
 public:
  virtual ~UserStore() = default;

  // Locks the id's counter row, applies reserve_attempt(policy, now) and stores the
  // result in one transaction. Unknown ids get a counter row too.
  virtual boost::asio::awaitable<PgResult<LoginReservation>> reserve_login_attempt(
      std::string user_id, LockoutPolicy policy, SystemTime now, Deadline deadline) = 0;
  // Takes back a kVerify `reservation` whose password was never checked (release_attempt
  // under the row lock, in one transaction). A counter row purged meanwhile stays gone.
  virtual boost::asio::awaitable<PgResult<void>> release_login_attempt(std::string user_id,
                                                                       Reservation reservation,
                                                                       SystemTime now,
                                                                       Deadline deadline) = 0;
  // Clears the counter and sets last_login_at = now; returns that time.
  virtual boost::asio::awaitable<PgResult<SystemTime>> record_login_success(std::string user_id,
                                                                            SystemTime now,
                                                                            Deadline deadline) = 0;
  virtual boost::asio::awaitable<PgResult<void>> update_password_hash(std::string user_id,
                                                                      std::string password_hash,
                                                                      Deadline deadline) = 0;
  virtual boost::asio::awaitable<PgResult<std::optional<UserRecord>>> find_user(
      std::string user_id, Deadline deadline) = 0;
  virtual boost::asio::awaitable<PgResult<bool>> user_exists(std::string user_id,
                                                             Deadline deadline) = 0;
  // False when the id is taken (nothing changed).
  virtual boost::asio::awaitable<PgResult<bool>> insert_user(NewUser user, Deadline deadline) = 0;
  // Clears the lock and counter; false for an unknown id.
  virtual boost::asio::awaitable<PgResult<bool>> unlock(std::string user_id, SystemTime now,
                                                        Deadline deadline) = 0;
  // Deletes counters that can no longer matter (no lock, no failure since `stale_before`).
  virtual boost::asio::awaitable<PgResult<std::uint64_t>> purge_attempts(SystemTime now,
                                                                         SystemTime stale_before,
                                                                         Deadline deadline) = 0;
};

}  // namespace phonebill::auth
