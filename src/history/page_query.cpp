// count_then_page: the shared history list query (see page_query.hpp).
#include "history/page_query.hpp"

#include "storage/pg_pool.hpp"

namespace phonebill::history {

boost::asio::awaitable<storage::PgResult<PageRows>> count_then_page(storage::PgPool& pool,
                                                                    ListStatements statements,
                                                                    const HistoryFilter& filter,
                                                                    Deadline deadline) {
  using storage::pg_params;
  auto count_params =
      pg_params(filter.user_id, filter.line_number, filter.from, filter.to, filter.status);
  auto counted = co_await pool.execute(statements.count, count_params, deadline);
  if (!counted) co_return counted.error();
  PageRows page;
  page.total = counted->int64(0, "total");
  std::int64_t offset = filter.page.offset();
  if (page.total > offset) {
    auto list_params = pg_params(filter.user_id, filter.line_number, filter.from, filter.to,
                                 filter.status, filter.page.size, offset);
    auto rows = co_await pool.execute(statements.list, list_params, deadline);
    if (!rows) co_return rows.error();
    page.rows = std::move(*rows);
  }
  co_return page;
}

}  // namespace phonebill::history
