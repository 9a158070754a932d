// GET /api/v1/products/history?lineNumber&from&to&status&page&size: the caller's plan
// changes, newest first, answered by the one history responder (http/history_answer.hpp).
#include "handlers/handler_support.hpp"
#include "http/history_answer.hpp"
#include "http/history_query.hpp"
#include "product_views.hpp"
#include "routes.hpp"

namespace phonebill::product {

boost::asio::awaitable<http::Response> handle_history(ProductContext& context,
                                                      http::Request& request) {
  auto caller = co_await authenticate(request, context.verifier);
  if (!caller) co_return respond(request, caller.error());
  auto page = co_await context.service.history(
      std::move(*caller), http::HistoryQuery::from_request(request), request_info(request));
  co_return http::respond_history(request, page, product_answer, change_view);
}

}  // namespace phonebill::product
