// product-change's routes (SPEC §6); handlers live in handlers/.
#include "routes.hpp"

namespace phonebill::product {

boost::asio::awaitable<http::Response> handle_menu(ProductContext& context, http::Request& request);
boost::asio::awaitable<http::Response> handle_available(ProductContext& context,
                                                        http::Request& request);
boost::asio::awaitable<http::Response> handle_validation(ProductContext& context,
                                                         http::Request& request);
boost::asio::awaitable<http::Response> handle_change(ProductContext& context,
                                                     http::Request& request);
boost::asio::awaitable<http::Response> handle_change_lookup(ProductContext& context,
                                                            http::Request& request);
boost::asio::awaitable<http::Response> handle_history(ProductContext& context,
                                                      http::Request& request);

http::Router make_routes(ProductContext& context) {
  http::Router router;
  auto add = [&](const char* method, const char* path, auto handler) {
    router.add(method, path,
               [&context, handler](http::Request& request) { return handler(context, request); });
  };
  add("GET", "/api/v1/products/menu", handle_menu);
  add("GET", "/api/v1/products/available", handle_available);
  add("POST", "/api/v1/products/change/validation", handle_validation);
  add("POST", "/api/v1/products/change", handle_change);
  add("GET", "/api/v1/products/change/{requestId}", handle_change_lookup);
  add("GET", "/api/v1/products/history", handle_history);
  return router;
}

}  // namespace phonebill::product
