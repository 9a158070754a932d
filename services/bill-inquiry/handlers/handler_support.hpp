// What every bill-inquiry handler shares: the bearer check (src/security/
// request_authentication.hpp), Outcome → HTTP response (src/http/outcome.hpp), and the
// RequestInfo of a request.
#pragma once
#include "bill_service.hpp"
#include "http/outcome.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "security/request_authentication.hpp"

namespace phonebill::bill {

using http::respond;
using security::authenticate;

RequestInfo request_info(const http::Request& request);

}  // namespace phonebill::bill
