// RouteIndex: the tree of pattern segments that narrows a path to its candidate routes.
#include "http/route_index.hpp"

#include <algorithm>
#include <iterator>

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
  // Tables are built once at start-up and hold tens of routes: redoing every node's lists
  // is simpler than finding the ones this route changes.
  settle(0, {});
}

void RouteIndex::settle(std::uint32_t node_index, std::vector<std::uint32_t> prefixes_above) {
  auto& node = nodes_[node_index];
  auto& passing = prefixes_above;
  passing.insert(passing.end(), node.prefix_routes.begin(), node.prefix_routes.end());
  std::sort(passing.begin(), passing.end());
  node.ending = passing;
  node.ending.insert(node.ending.end(), node.exact_routes.begin(), node.exact_routes.end());
  std::sort(node.ending.begin(), node.ending.end());
  node.passing = passing;
  // settle never adds nodes, so `node` stays valid across the calls.
  for (const auto& [literal, child] : node.literals) settle(child, passing);
  if (node.parameter != kNone) settle(node.parameter, std::move(passing));
}

void RouteIndex::walk(const Node& node, std::span<const std::string_view> path, std::size_t depth,
                      Terminals& terminals) const {
  if (depth == path.size()) {
    terminals.push_back(&node.ending);
    return;
  }
  const auto segment = path[depth];
  bool went_on = false;
  for (const auto& [literal, child] : node.literals) {
    if (literal == segment) {
      walk(nodes_[child], path, depth + 1, terminals);
      went_on = true;
      break;
    }
  }
  if (node.parameter != kNone && !segment.empty()) {
    walk(nodes_[node.parameter], path, depth + 1, terminals);
    went_on = true;
  }
  // A walk that goes on carries this node's prefix routes in the deeper lists.
  if (!went_on) terminals.push_back(&node.passing);
}

std::span<const std::uint32_t> RouteIndex::candidates(std::span<const std::string_view> path,
                                                      RouteCandidates& buffer) const {
  Terminals terminals;
  walk(nodes_[0], path, 0, terminals);
  if (terminals.size() == 1) return *terminals.front();
  // Branches (a literal and a parameter child both taken): their lists share the prefix
  // routes above the fork, so they are united, not concatenated.
  buffer.clear();
  for (const auto* list : terminals) {
    RouteCandidates united;
    std::set_union(buffer.begin(), buffer.end(), list->begin(), list->end(),
                   std::back_inserter(united));
    buffer = std::move(united);
  }
  return buffer;
}

}  // namespace phonebill::http
