// GET /api/v1/products/menu and GET /api/v1/products/available: the caller's customer
// data and current plan; the plans it may move to with their price difference.
#include "handlers/handler_support.hpp"
#include "product_views.hpp"
#include "routes.hpp"

namespace phonebill::product {

boost::asio::awaitable<http::Response> handle_menu(ProductContext& context,
                                                   http::Request& request) {
  auto caller = co_await authenticate(request, context.verifier);
  if (!caller) co_return respond(request, caller.error());
  auto menu = co_await context.service.menu(std::move(*caller), request_info(request));
  co_return respond(request, menu, menu_view);
}

boost::asio::awaitable<http::Response> handle_available(ProductContext& context,
                                                        http::Request& request) {
  auto caller = co_await authenticate(request, context.verifier);
  if (!caller) co_return respond(request, caller.error());
  auto available = co_await context.service.available(std::move(*caller), request_info(request));
  co_return respond(request, available, available_view);
}

}  // namespace phonebill::product
