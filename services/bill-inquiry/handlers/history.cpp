// GET /api/v1/bills/history?lineNumber&from&to&status&page&size: the caller's
// inquiries, newest first, SPEC §2 pagination.
#include "handlers/handler_support.hpp"
#include "routes.hpp"

namespace phonebill::bill {

boost::asio::awaitable<http::Response> handle_history(BillContext& context,
                                                      http::Request& request) {
  auto caller = co_await authenticate(request, context.verifier);
  if (!caller) co_return respond(request, caller.error());
  auto query = HistoryQuery::from_request(request);
  auto answer =
      co_await context.service.history(std::move(*caller), std::move(query), request_info(request));
  co_return respond(request, answer);
}

}  // namespace phonebill::bill
