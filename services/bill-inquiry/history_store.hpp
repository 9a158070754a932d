// bill-inquiry's history in PostgreSQL (SPEC §5): the rows of one request and its KOS
// calls, batch inserts for the group-commit writer, and the reads behind
// /inquiry/{requestId} and /history. Entry points: HistoryStore::insert_batch, find,
// list.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "http/history_query.hpp"
#include "kos/kos_client.hpp"
#include "storage/pg_pool.hpp"

namespace phonebill::bill {

struct KosCallRecord {
  kos::KosOperation operation = kos::KosOperation::kBillInquiry;
  kos::KosAttempt attempt;
};

// One request's history: its row and its KOS calls.
struct HistoryEntry {
  std::string request_id;
  std::string user_id;
  std::optional<std::string> line_number;
  std::optional<std::string> billing_month;  // YYYY-MM
  SystemTime requested_at;
  SystemTime finished_at;
  bool completed = false;             // COMPLETED / FAILED
  std::optional<std::string> source;  // CACHE / KOS / STALE_CACHE
  std::string result_code = "OK";     // OK or the error code answered
  std::string result_summary;
  boost::json::value bill;  // the billInfo shown, or null
  std::string http_request_id;
  std::string trace_id;
  std::vector<KosCallRecord> kos_calls;
};

// A stored request row as the API shows it.
struct HistoryRecord {
  std::string request_id;
  std::string user_id;
  std::optional<std::string> line_number;
  std::optional<std::string> billing_month;
  std::string requested_at;  // ISO-8601, Seoul offset
  std::string finished_at;
  std::string status;
  std::optional<std::string> source;
  std::string result_code;
  std::string result_summary;
  boost::json::value bill;  // null in lists
};

using http::HistoryFilter;

struct HistoryPage {
  std::vector<HistoryRecord> items;
  std::int64_t total = 0;
};

class HistoryStore {
 public:
  explicit HistoryStore(storage::PgPool& pool) : pool_(pool) {}
  static void register_statements(storage::PgPool& pool);

  // Inserts every entry (requests, then KOS calls) in one transaction.
  boost::asio::awaitable<storage::PgResult<void>> insert_batch(
      const std::vector<const HistoryEntry*>& entries, phonebill::Deadline deadline);
  boost::asio::awaitable<storage::PgResult<std::optional<HistoryRecord>>> find(
      std::string request_id, phonebill::Deadline deadline);
  boost::asio::awaitable<storage::PgResult<HistoryPage>> list(HistoryFilter filter,
                                                              phonebill::Deadline deadline);

 private:
  storage::PgPool& pool_;
};

}  // namespace phonebill::bill
