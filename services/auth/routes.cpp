// make_routes: auth's route table assembled from each handlers/<route>.cpp.
#include "routes.hpp"

namespace phonebill::auth {

http::Router make_routes(AuthContext& context) {
  http::Router router;
  add_login_routes(router, context);
  add_refresh_routes(router, context);
  add_logout_routes(router, context);
  add_me_routes(router, context);
  add_permission_routes(router, context);
  add_login_history_routes(router, context);
  add_jwks_routes(router, context);
  add_admin_user_routes(router, context);
  return router;
}

}  // namespace phonebill::auth
