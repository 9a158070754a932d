// The one way a history list is answered (SPEC §2, §5, §6): a service's history use case
// gives a page of its records or a refusal; this renders the page as {"items": [...],
// "page": {...}} with the service's item view, or the refusal through its answer table.
// Both services' GET .../history handlers end here. Entry point: respond_history.
#pragma once
#include "core/result.hpp"
#include "history/page.hpp"
#include "http/pagination.hpp"
#include "http/refusal.hpp"

namespace phonebill::http {

template <typename Item, typename Status, typename View>
Response respond_history(const Request& request, const Result<history::Page<Item>, Status>& page,
                         ApiError (*table)(Status), View view) {
  if (!page) return respond_refusal(request, page.error(), table);
  return respond(request, Outcome<boost::json::object>{page_view(*page, view)});
}

}  // namespace phonebill::http
