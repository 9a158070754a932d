// The SPEC §3 demo users, created at start in local runs only.
#include "demo_users.hpp"

namespace phonebill::auth {

std::vector<CreateUserRequest> demo_users() {
  // Passwords are the published demo ones (README, ./phonebill up), not secrets.
  return {
      {"user01",
       "Passw0rd!01",
       "홍길동",
       "C000000001",
       "01012345678",
       {"BILL_INQUIRY", "PRODUCT_CHANGE"}},
      {"user02", "Passw0rd!02", "김영희", "C000000002", "01087654321", {"BILL_INQUIRY"}},
      {"user03",
       "Passw0rd!03",
       "이철수",
       "C000000003",
       "01055554444",
       {"BILL_INQUIRY", "PRODUCT_CHANGE"}},
      {"admin",
       "Adm1nPass!00",
       "박관리",
       "C000000004",
       "01099998888",
       {"BILL_INQUIRY", "PRODUCT_CHANGE", "ADMIN"}},
  };
}

}  // namespace phonebill::auth
