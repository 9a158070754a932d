// Router: method + path pattern → handler, with path parameters and 405 allow lists.
#include "http/router.hpp"

#include <boost/container/small_vector.hpp>
#include <boost/url/decode_view.hpp>

namespace phonebill::http {
namespace {

// Inline room for this many segments: matching a request's path then allocates nothing
// (a growing vector cost up to four allocations per request, issue 17).
using PathSegments = boost::container::small_vector<std::string_view, 12>;

PathSegments split_path(std::string_view path) {
  PathSegments segments;
  std::size_t start = 0;
  if (!path.empty() && path[0] == '/') start = 1;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

std::string percent_decode(std::string_view segment) {
  if (segment.find('%') == std::string_view::npos) return std::string{segment};
  std::string decoded;
  // Malformed escapes are kept literally: the handler's validator rejects them.
  auto view = boost::urls::make_pct_string_view(segment);
  if (view.has_error()) return std::string{segment};
  for (char c : boost::urls::decode_view{*view}) decoded.push_back(c);
  return decoded;
}

}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler) {
  Route route;
  route.method = std::move(method);
  route.pattern = std::move(pattern);
  for (auto segment : split_path(route.pattern)) route.segments.emplace_back(segment);
  if (!route.segments.empty() && route.segments.back() == "**") {
    route.prefix = true;
    route.segments.pop_back();
  }
  route.handler = std::move(handler);
  index_.add(static_cast<std::uint32_t>(routes_.size()), route.segments, route.prefix);
  routes_.push_back(std::move(route));
}

void Router::fill_parameters(const Route& route, std::span<const std::string_view> path_segments,
                             std::vector<std::pair<std::string, std::string>>& parameters) const {
  parameters.clear();
  for (std::size_t i = 0; i < route.segments.size(); ++i) {
    const auto& expected = route.segments[i];
    if (is_path_parameter(expected))
      parameters.emplace_back(expected.substr(1, expected.size() - 2),
                              percent_decode(path_segments[i]));
  }
}

RouteMatch Router::match(std::string_view method, std::string_view path,
                         std::vector<std::pair<std::string, std::string>>& parameters) const {
  auto split = split_path(path);
  std::span<const std::string_view> path_segments{split.data(), split.size()};
  RouteCandidates buffer;
  const auto candidates = index_.candidates(path_segments, buffer);
  RouteMatch result;
  // Only routes whose pattern matches, in the order they were added.
  for (std::size_t index : candidates) {
    const auto& route = routes_[index];
    if (route.method == method || (method == "HEAD" && route.method == "GET")) {
      fill_parameters(route, path_segments, parameters);
      result.status = MatchStatus::kMatched;
      result.handler = &route.handler;
      result.route_index = index;
      result.pattern = route.pattern;
      return result;
    }
    result.status = MatchStatus::kMethodNotAllowed;
    if (result.allowed_methods.find(route.method) == std::string::npos) {
      if (!result.allowed_methods.empty()) result.allowed_methods += ", ";
      result.allowed_methods += route.method;
    }
  }
  return result;
}

}  // namespace phonebill::http
