// Where bill-inquiry's history is read from (SPEC §5): one inquiry by id, and a page of
// a user's inquiries. The interface the domain sees; PgHistoryStore (pg_history_store.hpp)
// is the PostgreSQL implementation, the unit tests use an in-memory one. A store that
// cannot answer refuses with kStorageUnavailable (and logs why).
// Entry points: HistoryStore::find, list.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

#include "bill_status.hpp"
#include "core/deadline.hpp"
#include "core/result.hpp"
#include "history/history_query.hpp"
#include "history_records.hpp"

namespace phonebill::bill {

using HistoryPage = history::Page<HistoryRecord>;

class HistoryStore {
 public:
  virtual ~HistoryStore() = default;
  // The inquiry `request_id` (nullopt: there is none).
  virtual boost::asio::awaitable<Result<std::optional<HistoryRecord>, BillStatus>> find(
      std::string request_id, Deadline deadline) = 0;
  // The page `filter` asks for, newest first.
  virtual boost::asio::awaitable<Result<HistoryPage, BillStatus>> list(
      history::HistoryFilter filter, Deadline deadline) = 0;
};

}  // namespace phonebill::bill
