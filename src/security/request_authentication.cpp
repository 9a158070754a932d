// authenticate: the bearer check every service's handlers make (see the header).
#include "security/request_authentication.hpp"

#include "core/log.hpp"
#include "core/request_log.hpp"

namespace phonebill::security {

boost::asio::awaitable<http::Outcome<VerifiedToken>> authenticate(http::Request& request,
                                                                  TokenVerifier& verifier) {
  auto bearer = extract_bearer(request.header("authorization"));
  TokenResult verified = TokenStatus::kMissing;
  if (bearer) verified = co_await verifier.verify_or_refresh(std::string{*bearer});
  if (!verified) {
    auto fields = log::request_log_fields(request.request_id, request.traceparent);
    fields["route"] = request.route;
    fields["status"] = to_string(verified.error());
    log::info("token_rejected", std::move(fields));
    co_return http::Failure{http::common_error(to_common_error(verified.error()))};
  }
  request.user_id = verified->user_id;
  co_return std::move(*verified);
}

}  // namespace phonebill::security
