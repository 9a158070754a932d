// The SPEC §2 page object every list answers with: {number, size, totalItems,
// totalPages, hasNext, hasPrevious}, and a history page as {"items": [...], "page": ...}.
// Page requests themselves (page/size rules) live in src/history; their names are also
// spelled http:: here for the handlers that read them (auth's login history).
// Entry points: page_info, page_view.
#pragma once
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstdint>

#include "history/page.hpp"

namespace phonebill::http {

using history::kMaxPageNumber;
using history::kMaxPageSize;
using history::PageRequest;
using history::parse_page_request;

boost::json::object page_info(const PageRequest& request, std::int64_t total_items);

// {"items": [view(item), ...], "page": page_info}: the one shape of a history answer.
template <typename Item, typename View>
boost::json::object page_view(const history::Page<Item>& page, View view) {
  boost::json::array items;
  for (const auto& item : page.items) items.push_back(view(item));
  return boost::json::object{{"items", std::move(items)},
                             {"page", page_info(page.request, page.total)}};
}

}  // namespace phonebill::http
