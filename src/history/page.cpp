// parse_page_request: the SPEC §2 page and size rules (see page.hpp).
#include "history/page.hpp"

#include <charconv>

namespace phonebill::history {
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

}  // namespace phonebill::history
