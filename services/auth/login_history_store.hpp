// Login history (table login_history, SPEC §3): one row per attempt that reached the
// credential check — time, the userId as typed, client IP, user agent, result, reason —
// and the paged, newest-first listing behind GET /api/v1/auth/login-history.
// The role (an interface: PgLoginHistoryStore is the database, tests use a fake).
#pragma once
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

#include "store_support.hpp"

namespace phonebill::auth {

enum class LoginReason {
  kSuccess,             // result SUCCESS
  kInvalidCredentials,  // wrong password or unknown id
  kAccountLocked,       // this failure locked the account (AUTH_002)
  kLocked,              // refused while locked (AUTH_003)
};

std::string_view to_string(LoginReason reason);

struct LoginHistoryEntry {
  SystemTime attempted_at;
  std::string user_id;  // as typed
  std::string client_ip;
  std::string user_agent;
  LoginReason reason = LoginReason::kSuccess;
  std::optional<std::string> session_id;  // successes
  std::string request_id;
};

struct LoginHistoryPage {
  std::vector<LoginHistoryEntry> items;
  std::int64_t total_items = 0;
};

class LoginHistoryStore {
 public:
  virtual ~LoginHistoryStore() = default;

  virtual boost::asio::awaitable<PgResult<void>> record(LoginHistoryEntry entry,
                                                        Deadline deadline) = 0;
  // Page `page` (1-based) of `size` entries of one user, newest first.
  virtual boost::asio::awaitable<PgResult<LoginHistoryPage>> page(std::string user_id,
                                                                  std::int64_t page,
                                                                  std::int64_t size,
                                                                  Deadline deadline) = 0;
};

}  // namespace phonebill::auth
