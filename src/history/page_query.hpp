// The one count-then-page list query behind every history list (SPEC §2 pagination):
// count the rows the filter matches, then read the asked-for page — only when it is not
// past the end, so a page beyond the last costs one statement. Each store passes its two
// prepared statements, which both take the filter as $1 user, $2 line or NULL, $3 from
// date or NULL, $4 to date or NULL, $5 status or NULL (the list adds LIMIT $6 OFFSET
// $7), and reads its own rows. Entry points: count_then_page, read_page.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string_view>

#include "core/deadline.hpp"
#include "history/history_query.hpp"
#include "storage/pg_result.hpp"

namespace phonebill::storage {
class PgPool;
}

namespace phonebill::history {

struct ListStatements {
  std::string_view count;  // SELECT count(*) AS total ... (the filter)
  std::string_view list;   // SELECT ... (the filter) ORDER BY ... LIMIT $6 OFFSET $7
};

struct PageRows {
  std::int64_t total = 0;  // rows the filter matches
  storage::PgRows rows;    // the page's rows (none past the end)
};

boost::asio::awaitable<storage::PgResult<PageRows>> count_then_page(storage::PgPool& pool,
                                                                    ListStatements statements,
                                                                    const HistoryFilter& filter,
                                                                    Deadline deadline);

// The page of `filter` from `rows`, each row read by `read_row(rows, index)`.
template <typename ReadRow>
auto read_page(const PageRows& rows, const HistoryFilter& filter, ReadRow read_row) {
  Page<decltype(read_row(rows.rows, std::size_t{0}))> page;
  page.request = filter.page;
  page.total = rows.total;
  for (std::size_t row = 0; row < rows.rows.row_count(); ++row)
    page.items.push_back(read_row(rows.rows, row));
  return page;
}

}  // namespace phonebill::history
