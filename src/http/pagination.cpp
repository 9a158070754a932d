#include "http/pagination.hpp"

#include <charconv>

namespace phonebill::http {
namespace {

std::optional<int> whole_number(const std::string& text, int max) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size() || value < 1 ||
      value > max)
    return std::nullopt;
  return value;
}

}  // namespace

PageRequest parse_page_request(const std::optional<std::string>& page,
                               const std::optional<std::string>& size, FieldErrors& errors) {
  PageRequest request;
  if (page) {
    if (auto number = whole_number(*page, kMaxPageNumber))
      request.number = *number;
    else
      errors.add("page", "must be a whole number from 1");
  }
  if (size) {
    if (auto count = whole_number(*size, kMaxPageSize))
      request.size = *count;
    else
      errors.add("size", "must be a whole number from 1 to 100");
  }
  return request;
}

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
