// The permission-check log (table permission_checks, SPEC §3): every
// POST /api/v1/auth/permissions/check is answered from the user's current permissions
// and written down in the same statement. The role
// (an interface: PgPermissionCheckStore is the database, tests use a fake).
#pragma once
#include <boost/asio/awaitable.hpp>

#include <string>

#include "store_support.hpp"

namespace phonebill::auth {

struct PermissionCheck {
  std::string user_id;
  std::string session_id;
  std::string service_type;  // a permission name
  std::string request_id;
  SystemTime checked_at;
};

class PermissionCheckStore {
 public:
  virtual ~PermissionCheckStore() = default;

  // Whether the user holds the permission now (false for a user that no longer exists);
  // the check is logged either way.
  virtual boost::asio::awaitable<PgResult<bool>> check(PermissionCheck check,
                                                       Deadline deadline) = 0;
};

}  // namespace phonebill::auth
