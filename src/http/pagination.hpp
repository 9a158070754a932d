// Pagination of every list (SPEC §2): query `page` (1-based, default 1) and `size`
// (default 20, at most 100) in, {number, size, totalItems, totalPages, hasNext,
// hasPrevious} out. Entry points: parse_page_request, page_info.
#pragma once
#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "core/validation.hpp"

namespace phonebill::http {

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

boost::json::object page_info(const PageRequest& request, std::int64_t total_items);

}  // namespace phonebill::http
