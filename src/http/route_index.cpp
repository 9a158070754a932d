// RouteIndex: the tree of pattern segments that narrows a path to its candidate routes.
#include "http/route_index.hpp"

#include <algorithm>

namespace phonebill::http {

bool is_path_parameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

RouteIndex::RouteIndex() : nodes_(1) {}

void RouteIndex::add(std::uint32_t index, std::span<const std::string> segments, bool prefix) {
  std::uint32_t node = 0;
  for (const auto& segment : segments) {
    std::uint32_t next = kNone;
    if (is_path_parameter(segment)) {
      next = nodes_[node].parameter;
    } else {
      for (const auto& [literal, child] : nodes_[node].literals)
        if (literal == segment) next = child;
    }
    if (next == kNone) {
      next = static_cast<std::uint32_t>(nodes_.size());
      // Parameters share one child whatever their names: a path segment they accept is
      // the same for all, and each route keeps its own names for the parameters.
      if (is_path_parameter(segment))
        nodes_[node].parameter = next;
      else
        nodes_[node].literals.emplace_back(segment, next);
      nodes_.emplace_back();  // after the last use of nodes_[node]: this may reallocate
    }
    node = next;
  }
  (prefix ? nodes_[node].prefix_routes : nodes_[node].exact_routes).push_back(index);
}

void RouteIndex::collect(std::uint32_t node_index, std::span<const std::string_view> path,
                         std::size_t depth, RouteCandidates& out) const {
  const auto& node = nodes_[node_index];
  // A prefix pattern needs only its own segments: any rest, even none, is accepted.
  out.insert(out.end(), node.prefix_routes.begin(), node.prefix_routes.end());
  if (depth == path.size()) {
    out.insert(out.end(), node.exact_routes.begin(), node.exact_routes.end());
    return;
  }
  const auto segment = path[depth];
  for (const auto& [literal, child] : node.literals) {
    if (literal == segment) {
      collect(child, path, depth + 1, out);
      break;
    }
  }
  if (node.parameter != kNone && !segment.empty()) collect(node.parameter, path, depth + 1, out);
}

void RouteIndex::candidates(std::span<const std::string_view> path, RouteCandidates& out) const {
  collect(0, path, 0, out);
  // Each route sits in one node and each node is reached at most once, so no repeats;
  // only the order (first added wins) is to be restored across the nodes visited.
  std::sort(out.begin(), out.end());
}

}  // namespace phonebill::http
