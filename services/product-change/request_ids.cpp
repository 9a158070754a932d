// new_request_id, new_change_id: the project's id generators, for the domain (see
// request_ids.hpp).
#include "request_ids.hpp"

#include "history/time_ordered_id.hpp"
#include "http/trace.hpp"

namespace phonebill::product {

std::string new_request_id() { return http::generate_request_id(); }

std::string new_change_id() { return history::new_time_ordered_id(); }

}  // namespace phonebill::product
