// kos-sim's route table: the six KOS endpoints of SPEC §8 and the fault admin API.
#include "routes.hpp"

namespace phonebill::kos_sim {

http::Router make_routes(KosSimContext& context) {
  http::Router router;
  add_bill_routes(router, context);
  add_product_routes(router, context);
  add_admin_routes(router, context);
  return router;
}

}  // namespace phonebill::kos_sim
