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

namespace {
// A body kept for the next request up to this size: a large upload's buffer is freed.
constexpr std::size_t kKeptBodyBytes = 4096;
}  // namespace

void clear_keeping_storage(Request& request) {
  Request fresh;  // every member not named below as a new request has it
  auto keep = [](std::string& from, std::string& to) {
    from.clear();
    to.swap(from);
  };
  keep(request.method, fresh.method);
  keep(request.path, fresh.path);
  keep(request.query, fresh.query);
  keep(request.route, fresh.route);
  keep(request.request_id, fresh.request_id);
  keep(request.traceparent, fresh.traceparent);
  keep(request.trace_id, fresh.trace_id);
  keep(request.remote_address, fresh.remote_address);
  keep(request.user_id, fresh.user_id);
  keep(request.upstream, fresh.upstream);
  if (request.body.capacity() <= kKeptBodyBytes) keep(request.body, fresh.body);
  fresh.headers.swap(request.headers);
  fresh.path_parameters.swap(request.path_parameters);
  fresh.path_parameters.clear();
  request = std::move(fresh);
}

}  // namespace phonebill::http
