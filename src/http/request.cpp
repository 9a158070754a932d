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

// Every member is named here: a member added to Request without being cleared below
// fails this check (it would carry one request's value into the next).
static_assert(sizeof(Request) ==
                  11 * sizeof(std::string) + 2 * sizeof(HeaderList) + sizeof(Deadline),
              "clear_keeping_storage must clear every member of Request");

void clear_keeping_storage(Request& request) {
  // Cleared in place: a new Request swapped member by member and moved over this one cost
  // eleven string swaps and a whole move assignment (issue 17 item 2: ~1,000
  // instructions per request).
  request.method.clear();
  request.path.clear();
  request.query.clear();
  if (request.body.capacity() <= kKeptBodyBytes) {
    request.body.clear();
  } else {
    std::string{}.swap(request.body);
  }
  request.path_parameters.clear();
  request.route.clear();
  request.request_id.clear();
  request.traceparent.clear();
  request.trace_id.clear();
  request.remote_address.clear();
  request.deadline = Deadline{};
  request.user_id.clear();
  request.upstream.clear();
}

}  // namespace phonebill::http
