// page_info: the SPEC §2 page object (see pagination.hpp).
#include "http/pagination.hpp"

namespace phonebill::http {

boost::json::object page_info(const PageRequest& request, std::int64_t total_items) {
  std::int64_t total_pages = (total_items + request.size - 1) / request.size;
  return boost::json::object{{"number", request.number},
                             {"size", request.size},
                             {"totalItems", total_items},
                             {"totalPages", total_pages},
                             {"hasNext", request.number < total_pages},
                             {"hasPrevious", request.number > 1}};
}

}  // namespace phonebill::http
