// The re-drive of a dead letter (see redeliver_route.hpp).
#include "redeliver_route.hpp"

#include "core/log.hpp"
#include "core/request_log.hpp"
#include "http/outcome.hpp"
#include "http/request_info.hpp"
#include "outbox_relay.hpp"
#include "outbox_store.hpp"
#include "security/request_authentication.hpp"

namespace phonebill::outbox {
namespace {

using http::CommonError;

// Our event ids: 32 lower-case hex digits (history/time_ordered_id.hpp).
bool is_event_id(std::string_view id) {
  return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

http::Response fail(const http::Request& request, http::ApiError error) {
  return http::respond(request, http::Failure{std::move(error)});
}

boost::asio::awaitable<http::Response> redeliver(http::Request& request, OutboxStore* store,
                                                 OutboxRelay* relay,
                                                 security::TokenVerifier& verifier) {
  auto caller = co_await security::authenticate(request, verifier);
  if (!caller) co_return http::respond(request, caller.error());
  if (!caller->has_permission("ADMIN"))
    co_return fail(request, http::common_error(CommonError::kForbidden));
  std::string id{request.path_parameter("id")};
  if (!is_event_id(id))
    co_return fail(request, http::validation_error("id", "must be an event id (32 hex digits)"));
  if (!store) co_return fail(request, http::common_error(CommonError::kNotFound));
  auto redriven = co_await store->redeliver(id, request.deadline);
  if (!redriven) {
    log::warn("outbox_redeliver_failed",
              log::request_log_fields(http::request_info(request),
                                      {{"error", storage::describe(redriven.error())}}));
    co_return fail(request, http::common_error(CommonError::kServiceUnavailable));
  }
  switch (*redriven) {
    case Redrive::kNotFound:
      co_return fail(request, http::common_error(CommonError::kNotFound));
    case Redrive::kNotDead:
      co_return fail(request,
                     http::ApiError{409, "EVENT_NOT_DEAD",
                                    "재전송 대기 중이거나 이미 전달된 이벤트입니다", nullptr});
    case Redrive::kRedriven:
      break;
  }
  log::info("outbox_redriven",
            log::request_log_fields(http::request_info(request),
                                    {{"eventId", id}, {"admin", caller->user_id}}));
  if (relay) relay->notify();
  co_return http::respond(request, boost::json::object{{"eventId", id}, {"status", "PENDING"}});
}

}  // namespace

void add_redeliver_route(http::Router& router, OutboxStore* store, OutboxRelay* relay,
                         security::TokenVerifier& verifier) {
  router.add("POST", "/api/v1/admin/events/{id}/redeliver",
             [store, relay, &verifier](http::Request& request) {
               return redeliver(request, store, relay, verifier);
             });
}

}  // namespace phonebill::outbox
