// Fresh ids the domain hands to KOS: a change's requestId (also the record's key) and an
// inquiry's. 32 hex digits, from the project's generators, without bringing src/http into
// the domain's includes. Entry points: new_request_id, new_change_id.
#pragma once
#include <string>

namespace phonebill::product {

// 32 random hex digits (http/trace.hpp): an inquiry's or a reconciler pass's id.
std::string new_request_id();

// A change record's id: time-ordered (history/time_ordered_id.hpp), so GET /changes/{id}
// reads the month from it and touches one partition of product_changes.
std::string new_change_id();

}  // namespace phonebill::product
