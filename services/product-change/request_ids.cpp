// new_request_id: the project's one id generator, for the domain (see request_ids.hpp).
#include "request_ids.hpp"

#include "http/trace.hpp"

namespace phonebill::product {

std::string new_request_id() { return http::generate_request_id(); }

}  // namespace phonebill::product
