// bill-inquiry's route table (SPEC §5) and what its handlers share.
#pragma once
#include "bill_service.hpp"
#include "http/router.hpp"
#include "security/token_verifier.hpp"

namespace phonebill::bill {

struct BillContext {
  BillService& service;
  security::TokenVerifier& verifier;
};

http::Router make_routes(BillContext& context);

}  // namespace phonebill::bill
