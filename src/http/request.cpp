// Request accessors: headers, query parameters and path parameters by name.
#include "http/request.hpp"

#include "http/query_string.hpp"

namespace phonebill::http {

std::string_view Request::header(std::string_view lowercase_name) const {
  for (const auto& [name, value] : headers)
    if (name == lowercase_name) return value;
  return {};
}

std::optional<std::string> Request::query_parameter(std::string_view name) const {
  return find_query_parameter(query, name);
}

std::string_view Request::path_parameter(std::string_view name) const {
  for (const auto& [key, value] : path_parameters)
    if (key == name) return value;
  return {};
}

}  // namespace phonebill::http
