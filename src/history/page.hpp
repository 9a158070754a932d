// Pagination of every list (SPEC §2), without HTTP: query `page` (1-based, default 1) and
// `size` (default 20, at most 100) read into a PageRequest, and the page of items a store
// answers (its total too, for the page object the edge renders: http/pagination.hpp).
// Entry points: PageRequest, parse_page_request, Page.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/validation.hpp"

namespace phonebill::history {

struct PageRequest {
  int number = 1;
  int size = 20;

  std::int64_t offset() const { return std::int64_t(number - 1) * size; }
};

inline constexpr int kMaxPageSize = 100;
inline constexpr int kMaxPageNumber = 1'000'000;

// The page asked for; a bad value adds a field error ("page" / "size") and keeps the
// default for that field, so the caller can report every bad field at once.
PageRequest parse_page_request(const std::optional<std::string>& page,
                               const std::optional<std::string>& size, FieldErrors& errors);

// One page of a list: the items on it, the page asked for, and how many items match in all.
template <typename Item>
struct Page {
  std::vector<Item> items;
  PageRequest request;
  std::int64_t total = 0;  // items matching in all, on every page
};

}  // namespace phonebill::history
