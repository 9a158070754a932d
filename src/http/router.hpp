// Route table: method + path pattern → handler. Patterns are literal segments,
// `{name}` parameters (one segment, percent-decoded) and a trailing `**` that
// matches any rest of the path (used by the gateway's prefix routes). The first route
// added that matches path and method wins; RouteIndex finds the routes whose pattern
// matches without comparing the path with every one.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.hpp"
#include "http/response.hpp"
#include "http/route_index.hpp"

namespace phonebill::http {

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

enum class MatchStatus { kMatched, kNotFound, kMethodNotAllowed };

struct RouteMatch {
  MatchStatus status = MatchStatus::kNotFound;
  const Handler* handler = nullptr;
  std::size_t route_index = 0;  // stable index, for per-route metrics
  std::string_view pattern;     // the matched pattern, for logs and metrics
  std::string allowed_methods;  // for 405: "GET, POST"
};

class Router {
 public:
  // Adds a route; later routes never shadow earlier exact ones (first match wins).
  void add(std::string method, std::string pattern, Handler handler);

  // Matches path (percent-encoded, no query) and fills request.path_parameters.
  RouteMatch match(std::string_view method, std::string_view path,
                   std::vector<std::pair<std::string, std::string>>& parameters) const;

  std::size_t size() const { return routes_.size(); }
  const std::string& pattern(std::size_t index) const { return routes_[index].pattern; }
  const std::string& method(std::size_t index) const { return routes_[index].method; }

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    bool prefix = false;  // ends in **
    Handler handler;
  };
  // The parameters of `route`, whose pattern RouteIndex found to match the path.
  void fill_parameters(const Route& route, std::span<const std::string_view> path_segments,
                       std::vector<std::pair<std::string, std::string>>& parameters) const;
  std::vector<Route> routes_;
  RouteIndex index_;  // which routes a path's segments can match
};

}  // namespace phonebill::http
