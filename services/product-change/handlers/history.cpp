// GET /api/v1/products/history?lineNumber&from&to&status&page&size: the caller's plan
// changes, newest first, SPEC §2 pagination.
#include "handlers/handler_support.hpp"
#include "product_views.hpp"
#include "routes.hpp"

namespace phonebill::product {

boost::asio::awaitable<http::Response> handle_history(ProductContext& context,
                                                      http::Request& request) {
  auto caller = co_await authenticate(request, context.verifier);
  if (!caller) co_return respond(request, caller.error());
  auto query = HistoryQuery::from_request(request);
  auto answer =
      co_await context.service.history(std::move(*caller), std::move(query), request_info(request));
  co_return respond(request, answer, history_view);
}

}  // namespace phonebill::product
