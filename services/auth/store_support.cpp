// What auth's PostgreSQL stores share: permission lists in array text and back.
#include "store_support.hpp"

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
  while (!text.empty()) {
    auto comma = text.find(',');
    auto name = text.substr(0, comma);
    if (!name.empty()) names.emplace_back(name);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return names;
}

}  // namespace phonebill::auth
