// What every bill-inquiry handler shares: the bearer check (src/security/
// request_authentication.hpp), the RequestInfo of a request (src/http/request_info.hpp),
// and the answer of a use case — its value through a view, or its refusal through
// bill_answer. Entry point: respond_bill.
#pragma once
#include "bill_service.hpp"
#include "handlers/bill_answers.hpp"
#include "http/outcome.hpp"
#include "http/refusal.hpp"
#include "http/request.hpp"
#include "http/request_info.hpp"
#include "http/response.hpp"
#include "security/request_authentication.hpp"

namespace phonebill::bill {

using http::request_info;
using http::respond;
using security::authenticate;

// The value through `view`, or the refusal's SPEC §2 answer.
template <typename T, typename View>
http::Response respond_bill(const http::Request& request, const Result<T, BillStatus>& result,
                            View view) {
  if (!result) return http::respond_refusal(request, result.error(), bill_answer);
  return respond(request, http::Outcome<boost::json::object>{view(*result)});
}

}  // namespace phonebill::bill
