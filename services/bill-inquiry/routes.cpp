// bill-inquiry's routes (SPEC §5); handlers live in handlers/.
#include "routes.hpp"

namespace phonebill::bill {

boost::asio::awaitable<http::Response> handle_menu(BillContext& context, http::Request& request);
boost::asio::awaitable<http::Response> handle_inquiry(BillContext& context, http::Request& request);
boost::asio::awaitable<http::Response> handle_inquiry_lookup(BillContext& context,
                                                             http::Request& request);
boost::asio::awaitable<http::Response> handle_history(BillContext& context, http::Request& request);

http::Router make_routes(BillContext& context) {
  http::Router router;
  router.add("GET", "/api/v1/bills/menu",
             [&context](http::Request& request) { return handle_menu(context, request); });
  router.add("POST", "/api/v1/bills/inquiry",
             [&context](http::Request& request) { return handle_inquiry(context, request); });
  router.add("GET", "/api/v1/bills/inquiry/{requestId}", [&context](http::Request& request) {
    return handle_inquiry_lookup(context, request);
  });
  router.add("GET", "/api/v1/bills/history",
             [&context](http::Request& request) { return handle_history(context, request); });
  return router;
}

}  // namespace phonebill::bill
