// kos-sim's database access: the lookups behind the six KOS endpoints, the
// idempotent product change, and (re)generation of the simulated data at start.
// Entry points: KosStore::register_statements once, then the coroutines below.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/billing_month.hpp"
#include "kos/wire.hpp"
#include "storage/pg_pool.hpp"

namespace phonebill::kos_sim {

using phonebill::Deadline;
using storage::PgResult;

struct BillLookup {
  kos::KosResultCode code = kos::KosResultCode::kSuccess;
  std::optional<kos::Bill> bill;  // with code 0000
};

struct MonthsLookup {
  kos::KosResultCode code = kos::KosResultCode::kSuccess;  // 1001 for an unknown line
  kos::AvailableMonths months;
};

struct ProductLookup {
  kos::KosResultCode code = kos::KosResultCode::kSuccess;
  std::optional<kos::ProductInquiryResult> result;
};

struct ChangeOutcome {
  kos::KosResultCode code = kos::KosResultCode::kSuccess;
  std::optional<kos::ProductChangeResult> result;  // with code 0000
};

struct GenerationState {
  int seed = 0;
  int customers = 0;
  std::string anchor_month;  // YYYYMM
  std::int64_t lines = 0;
  std::int64_t bills = 0;
  std::int64_t duration_ms = 0;  // of the generation that made the current data
  std::string generated_at;
};

class KosStore {
 public:
  explicit KosStore(storage::PgPool& pool);

  static void register_statements(storage::PgPool& pool);

  boost::asio::awaitable<PgResult<BillLookup>> find_bill(std::string line_number,
                                                         BillingMonth month, Deadline deadline);
  boost::asio::awaitable<PgResult<MonthsLookup>> available_months(std::string line_number,
                                                                  Deadline deadline);
  boost::asio::awaitable<PgResult<ProductLookup>> product_inquiry(std::string line_number,
                                                                  Deadline deadline);
  boost::asio::awaitable<PgResult<std::vector<kos::Product>>> catalogue(Deadline deadline);
  // Applies the change once per request id: a repeated id returns the first outcome,
  // whatever the new body says (KOS is idempotent on requestId).
  boost::asio::awaitable<PgResult<ChangeOutcome>> change_product(kos::ProductChangeRequest request,
                                                                 Deadline deadline);
  boost::asio::awaitable<PgResult<kos::OrderInfo>> find_order(std::string request_id,
                                                              Deadline deadline);
  // Regenerates the data when it was made from another seed, customer count or month.
  // Several instances may call this at once: one generates, the others wait and reuse.
  boost::asio::awaitable<PgResult<GenerationState>> ensure_generated(int customers, int seed,
                                                                     BillingMonth anchor,
                                                                     Deadline deadline);

 private:
  storage::PgPool& pool_;
};

}  // namespace phonebill::kos_sim
