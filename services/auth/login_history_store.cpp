// The login-history vocabulary shared by the domain, the views and the database.
#include "login_history_store.hpp"

namespace phonebill::auth {

std::string_view to_string(LoginReason reason) {
  switch (reason) {
    case LoginReason::kSuccess:
      return "SUCCESS";
    case LoginReason::kInvalidCredentials:
      return "INVALID_CREDENTIALS";
    case LoginReason::kAccountLocked:
      return "ACCOUNT_LOCKED";
    case LoginReason::kLocked:
      return "LOCKED";
  }
  return "SUCCESS";
}

}  // namespace phonebill::auth
