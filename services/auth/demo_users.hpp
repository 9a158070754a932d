// The demo users of SPEC §3, created at start when PHONEBILL_ENVIRONMENT=local (never in
// production). Their lines and customer ids match kos-sim's demo data (db/kos).
// Entry point: demo_users().
#pragma once
#include <vector>

#include "auth_inputs.hpp"

namespace phonebill::auth {

std::vector<CreateUserRequest> demo_users();

}  // namespace phonebill::auth
