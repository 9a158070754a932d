// auth's route table (SPEC §3): the public login/refresh/jwks endpoints, the bearer
// ones (logout, me, permissions, login history) and the ADMIN-only user management.
// Entry point: make_routes; each add_* lives in handlers/<route>.cpp.
#pragma once
#include "auth_service.hpp"
#include "http/router.hpp"
#include "security/signing_keys.hpp"
#include "security/token_verifier.hpp"

namespace phonebill::auth {

struct AuthContext {
  AuthService& service;
  security::TokenVerifier& verifier;  // this instance's keys + the shared revocation set
  const security::SigningKeyRing& keys;
};

http::Router make_routes(AuthContext& context);

void add_login_routes(http::Router& router, AuthContext& context);
void add_refresh_routes(http::Router& router, AuthContext& context);
void add_logout_routes(http::Router& router, AuthContext& context);
void add_me_routes(http::Router& router, AuthContext& context);
void add_permission_routes(http::Router& router, AuthContext& context);
void add_login_history_routes(http::Router& router, AuthContext& context);
void add_jwks_routes(http::Router& router, AuthContext& context);
void add_admin_user_routes(http::Router& router, AuthContext& context);

}  // namespace phonebill::auth
