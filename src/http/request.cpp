#include "http/request.hpp"

#include <boost/url/params_view.hpp>

namespace phonebill::http {

std::string_view Request::header(std::string_view lowercase_name) const {
  for (const auto& [name, value] : headers)
    if (name == lowercase_name) return value;
  return {};
}

std::optional<std::string> Request::query_parameter(std::string_view name) const {
  if (query.empty()) return std::nullopt;
  boost::urls::params_view parameters{query};
  auto found = parameters.find(name);
  if (found == parameters.end()) return std::nullopt;
  return std::string{(*found).value};
}

std::string_view Request::path_parameter(std::string_view name) const {
  for (const auto& [key, value] : path_parameters)
    if (key == name) return value;
  return {};
}

}  // namespace phonebill::http
