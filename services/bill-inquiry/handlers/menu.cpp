// GET /api/v1/bills/menu: the caller's customer data and the months to choose from.
#include "bill_views.hpp"
#include "handlers/handler_support.hpp"
#include "routes.hpp"

namespace phonebill::bill {

boost::asio::awaitable<http::Response> handle_menu(BillContext& context, http::Request& request) {
  auto caller = co_await authenticate(request, context.verifier);
  if (!caller) co_return respond(request, caller.error());
  auto menu = co_await context.service.menu(std::move(*caller), request_info(request));
  co_return respond_bill(request, menu, menu_view);
}

}  // namespace phonebill::bill
