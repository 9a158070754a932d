// Fresh ids the domain hands to KOS: a change's requestId (also the record's key) and an
// inquiry's. 32 random hex digits, from the one generator (http/trace.hpp), without
// bringing src/http into the domain's includes. Entry point: new_request_id.
#pragma once
#include <string>

namespace phonebill::product {

std::string new_request_id();

}  // namespace phonebill::product
