// What auth's PostgreSQL stores share: permission lists in array text and back.
#include "store_support.hpp"

#include "core/text_list.hpp"

namespace phonebill::auth {

std::string to_array_literal(const std::vector<std::string>& names) {
  std::string literal = "{";
  for (std::size_t index = 0; index < names.size(); ++index) {
    if (index > 0) literal += ',';
    literal += names[index];
  }
  literal += '}';
  return literal;
}

std::vector<std::string> split_permissions(std::string_view text) {
  std::vector<std::string> names;
  for (auto name : split_list(text)) names.emplace_back(name);
  return names;
}

}  // namespace phonebill::auth
