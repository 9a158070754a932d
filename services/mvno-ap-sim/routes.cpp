// The stand-in MVNO AP server's handlers (see routes.hpp). Order of checks on
// POST /events: latency, outage (503: the server is down, nothing is read), signature
// (401: a forged or stale event is refused whatever the faults), error rate (500), the
// body, then one copy per event id (a repeat answers 200 and is counted).
#include "routes.hpp"

#include "core/json.hpp"
#include "core/log.hpp"
#include "http/json_body.hpp"
#include "http/sleep.hpp"
#include "outbox/webhook_signature.hpp"

namespace phonebill::mvno_ap {
namespace {

namespace asio = boost::asio;

http::Response answer(std::string_view error, std::string_view detail, int status) {
  return http::json_response(boost::json::object{{"error", error}, {"message", detail}}, status);
}

bool is_loopback(std::string_view address) {
  return address.starts_with("127.") || address == "::1" || address.starts_with("::ffff:127.");
}

asio::awaitable<http::Response> receive(http::Request& request, MvnoApContext& context) {
  auto faults = context.faults.current();
  const std::chrono::milliseconds latency(faults.latency_ms);
  if (latency.count() > 0) co_await http::sleep_for(latency);
  if (faults.outage) {
    context.receiver.faulted("outage");
    co_return answer("UNAVAILABLE", "outage injected", 503);
  }
  auto now =
      std::chrono::duration_cast<std::chrono::seconds>(context.clock.now().time_since_epoch())
          .count();
  auto verdict = outbox::verify(request.header("phonebill-signature"), request.body,
                                context.secrets, now, context.tolerance);
  if (verdict != outbox::Verdict::kValid) {
    context.receiver.refused(outbox::to_string(verdict));
    log::warn("event_refused",
              {{"reason", outbox::to_string(verdict)}, {"remote", request.remote_address}});
    co_return answer("SIGNATURE_INVALID", outbox::to_string(verdict), 401);
  }
  if (context.random.chance(faults.error_rate)) {
    context.receiver.faulted("error");
    co_return answer("INTERNAL_ERROR", "error injected", 500);
  }
  auto body = http::read_json_object(request);
  auto text = [&](const char* key) {
    auto* value = body ? body->if_contains(key) : nullptr;
    return value && value->is_string() ? std::string{value->get_string()} : std::string{};
  };
  auto id = text("id");
  auto type = text("type");
  if (!body || id.empty() || type.empty() || id != request.header("idempotency-key")) {
    context.receiver.refused("bad_event");
    co_return answer("BAD_EVENT", "an event needs id and type, and its id as Idempotency-Key", 400);
  }
  auto accepted = context.receiver.accept(id, type, std::move(*body), context.clock.now());
  co_return http::json_response(
      boost::json::object{{"received", true}, {"duplicate", accepted == Accepted::kDuplicate}});
}

std::optional<http::Response> refuse_unless_loopback(const http::Request& request) {
  if (is_loopback(request.remote_address)) return std::nullopt;
  return answer("FORBIDDEN", "the admin API answers loopback callers only", 403);
}

}  // namespace

http::Router make_routes(MvnoApContext& context) {
  http::Router router;
  router.add("POST", "/events",
             [&context](http::Request& request) { return receive(request, context); });
  router.add("GET", "/admin/received",
             [&context](http::Request& request) -> asio::awaitable<http::Response> {
               if (auto refused = refuse_unless_loopback(request)) co_return *refused;
               co_return http::json_response(context.receiver.snapshot(
                   request.query_parameter("type"), request.query_parameter("line")));
             });
  router.add("DELETE", "/admin/received",
             [&context](http::Request& request) -> asio::awaitable<http::Response> {
               if (auto refused = refuse_unless_loopback(request)) co_return *refused;
               context.receiver.clear();
               co_return http::json_response(boost::json::object{{"cleared", true}});
             });
  router.add("GET", "/admin/faults",
             [&context](http::Request& request) -> asio::awaitable<http::Response> {
               if (auto refused = refuse_unless_loopback(request)) co_return *refused;
               co_return http::json_response(to_json(context.faults.current()));
             });
  router.add("PUT", "/admin/faults",
             [&context](http::Request& request) -> asio::awaitable<http::Response> {
               if (auto refused = refuse_unless_loopback(request)) co_return *refused;
               FieldErrors errors;
               std::optional<FaultSettings> settings;
               auto body = http::read_json_object(request);
               if (body)
                 settings = parse_faults(*body, errors);
               else
                 errors.add("body", "must be a JSON object");
               if (!settings)
                 co_return http::json_response(
                     boost::json::object{{"error", "INVALID_FAULTS"}, {"errors", errors.to_json()}},
                     400);
               context.faults.replace(*settings);
               log::info("faults_replaced", to_json(*settings));
               co_return http::json_response(to_json(context.faults.current()));
             });
  router.add("DELETE", "/admin/faults",
             [&context](http::Request& request) -> asio::awaitable<http::Response> {
               if (auto refused = refuse_unless_loopback(request)) co_return *refused;
               context.faults.reset();
               co_return http::json_response(to_json(context.faults.current()));
             });
  return router;
}

}  // namespace phonebill::mvno_ap
