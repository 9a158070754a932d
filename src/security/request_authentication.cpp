// authenticate: the bearer check every service's handlers make (see the header).
#include "security/request_authentication.hpp"

#include "core/log.hpp"

namespace phonebill::security {

boost::asio::awaitable<http::Outcome<VerifiedToken>> authenticate(http::Request& request,
                                                                  TokenVerifier& verifier) {
  auto bearer = extract_bearer(request.header("authorization"));
  TokenResult verified = TokenStatus::kMissing;
  if (bearer) verified = co_await verifier.verify_or_refresh(std::string{*bearer});
  if (!verified) {
    log::info("token_rejected", {{"requestId", request.request_id},
                                 {"route", request.route},
                                 {"status", to_string(verified.error())}});
    co_return http::Failure{http::common_error(to_common_error(verified.error()))};
  }
  request.user_id = verified->user_id;
  co_return std::move(*verified);
}

}  // namespace phonebill::security
