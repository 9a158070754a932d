// Which routes' patterns can match a path, found by walking the patterns' segments as a
// tree instead of comparing the path with every pattern in turn (issue 17 item 2: the
// gateway's table took ~3,100 instructions per request to scan). Each node keeps, ready
// and in route order, the routes a path ending there (or going on past it) matches, so a
// path without a parameter branch costs one literal look-up per segment and no copy.
// Router keeps the semantics (method, 405 allow list, parameters); this only narrows
// down the patterns.
#pragma once
#include <boost/container/small_vector.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace phonebill::http {

// Room for the routes of a path that takes both a literal and a parameter branch.
using RouteCandidates = boost::container::small_vector<std::uint32_t, 24>;

class RouteIndex {
 public:
  RouteIndex();

  // Records route `index` (indices are added in increasing order) for the pattern
  // `segments`: literal segments, `{name}` parameters, and with `prefix` any rest (`**`).
  void add(std::uint32_t index, std::span<const std::string> segments, bool prefix);

  // The index of every route whose pattern matches the path split into `path` segments,
  // in increasing order: the same routes a segment-by-segment comparison with each
  // pattern accepts (a parameter takes one non-empty segment, a prefix any rest). Views
  // the index's own lists, or `buffer` when branches had to be merged.
  std::span<const std::uint32_t> candidates(std::span<const std::string_view> path,
                                            RouteCandidates& buffer) const;

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  struct Node {
    std::vector<std::pair<std::string, std::uint32_t>> literals;  // segment → child node
    std::uint32_t parameter = kNone;                              // child for `{name}`
    std::vector<std::uint32_t> exact_routes;                      // patterns ending here
    std::vector<std::uint32_t> prefix_routes;                     // patterns ending here with `**`
    // Sorted: what a path ending here matches (every prefix route here or above, and the
    // exact ones here), and what a path going on where no child follows matches.
    std::vector<std::uint32_t> ending;
    std::vector<std::uint32_t> passing;
  };
  using Terminals = boost::container::small_vector<const std::vector<std::uint32_t>*, 4>;
  void walk(const Node& node, std::span<const std::string_view> path, std::size_t depth,
            Terminals& terminals) const;
  // Recomputes `ending` and `passing` below `node`, given the prefix routes above it.
  void settle(std::uint32_t node, std::vector<std::uint32_t> prefixes_above);
  std::vector<Node> nodes_;  // nodes_[0] is the root (no segment matched yet)
};

// Whether a pattern segment is a `{name}` parameter (otherwise it is a literal).
bool is_path_parameter(std::string_view segment);

}  // namespace phonebill::http
