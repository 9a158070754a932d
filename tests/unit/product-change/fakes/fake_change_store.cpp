// FakeChangeStore: PgChangeStore's contract in memory (see fake_change_store.hpp).
#include "fakes/fake_change_store.hpp"

namespace phonebill::product::fakes {
namespace {

StoreError down_error() { return StoreError{"database down (fake)"}; }

bool in_flight(ChangeStatus status) {
  return status == ChangeStatus::kRequested || status == ChangeStatus::kPending;
}

}  // namespace

void FakeChangeStore::put(ChangeRecord record, std::chrono::milliseconds age) {
  std::lock_guard lock{mutex_};
  record.requested_at = clock_.now() - age;
  auto id = record.request_id;
  rows_[id] = Row{std::move(record), clock_.now() - age, std::nullopt};
}

std::optional<ChangeRecord> FakeChangeStore::get(const std::string& request_id) const {
  std::lock_guard lock{mutex_};
  auto found = rows_.find(request_id);
  if (found == rows_.end()) return std::nullopt;
  return found->second.record;
}

std::vector<ChangeRecord> FakeChangeStore::all() const {
  std::lock_guard lock{mutex_};
  std::vector<ChangeRecord> records;
  for (const auto& [id, row] : rows_) records.push_back(row.record);
  return records;
}

boost::asio::awaitable<StoreResult<InsertResult>> FakeChangeStore::insert(ChangeRecord record,
                                                                          Deadline) {
  if (down_) co_return down_error();
  std::lock_guard lock{mutex_};
  for (const auto& [id, row] : rows_) {
    if (row.record.line_number == record.line_number && in_flight(row.record.status))
      co_return InsertResult::kLineBusy;
    if (record.idempotency_key && row.record.user_id == record.user_id &&
        row.record.idempotency_key == record.idempotency_key)
      co_return InsertResult::kKeyTaken;
  }
  record.status = ChangeStatus::kRequested;
  record.requested_at = clock_.now();
  auto id = record.request_id;
  rows_[id] = Row{std::move(record), clock_.now(), std::nullopt};
  co_return InsertResult::kInserted;
}

boost::asio::awaitable<StoreResult<std::optional<ChangeRecord>>> FakeChangeStore::settle(
    std::string request_id, ChangeOutcome outcome, std::optional<std::string> previous_name,
    std::optional<std::vector<Check>> checks, Deadline) {
  if (down_) co_return down_error();
  std::lock_guard lock{mutex_};
  auto found = rows_.find(request_id);
  if (found == rows_.end()) co_return std::optional<ChangeRecord>{};
  auto& row = found->second;
  if (!can_transition(row.record.status, outcome.status)) co_return row.record;
  ++settles_;
  apply(row.record, outcome);
  if (outcome.previous_product_code) {
    row.record.previous_product_code = *outcome.previous_product_code;
    if (previous_name) row.record.previous_product_name = *previous_name;
  }
  if (checks) row.record.checks = std::move(checks);
  row.record.processed_at = outcome.status == ChangeStatus::kPending
                                ? std::nullopt
                                : std::optional<SystemTime>{clock_.now()};
  row.updated_at = clock_.now();
  row.claimed_until.reset();
  co_return row.record;
}

boost::asio::awaitable<StoreResult<std::optional<ChangeRecord>>> FakeChangeStore::find(
    std::string request_id, Deadline) {
  if (down_) co_return down_error();
  co_return get(request_id);
}

boost::asio::awaitable<StoreResult<std::optional<ChangeRecord>>> FakeChangeStore::find_by_key(
    std::string user_id, std::string key, Deadline) {
  if (down_) co_return down_error();
  std::lock_guard lock{mutex_};
  for (const auto& [id, row] : rows_)
    if (row.record.user_id == user_id && row.record.idempotency_key == key) co_return row.record;
  co_return std::optional<ChangeRecord>{};
}

boost::asio::awaitable<StoreResult<void>> FakeChangeStore::release_key(std::string request_id,
                                                                       Deadline) {
  if (down_) co_return down_error();
  std::lock_guard lock{mutex_};
  if (auto found = rows_.find(request_id); found != rows_.end())
    found->second.record.idempotency_key.reset();
  co_return StoreResult<void>{};
}

boost::asio::awaitable<StoreResult<ChangePage>> FakeChangeStore::list(HistoryFilter filter,
                                                                      Deadline) {
  if (down_) co_return down_error();
  std::lock_guard lock{mutex_};
  ChangePage page;
  for (const auto& [id, row] : rows_) {
    if (row.record.user_id != filter.user_id) continue;
    if (filter.status && to_text(row.record.status) != *filter.status) continue;
    page.items.push_back(row.record);
  }
  page.request = filter.page;
  page.total = std::int64_t(page.items.size());
  co_return page;
}

boost::asio::awaitable<StoreResult<std::optional<ChangeRecord>>> FakeChangeStore::claim_next(
    std::chrono::milliseconds stale_after, std::chrono::milliseconds lease, Deadline) {
  if (down_) co_return down_error();
  std::lock_guard lock{mutex_};
  auto now = clock_.now();
  Row* next = nullptr;
  for (auto& [id, row] : rows_) {
    bool stale = row.record.requested_at <= now - stale_after;
    bool wanted = row.record.status == ChangeStatus::kPending ||
                  (row.record.status == ChangeStatus::kRequested && stale);
    bool free = !row.claimed_until || *row.claimed_until <= now;
    if (wanted && free && (!next || row.updated_at < next->updated_at)) next = &row;
  }
  if (!next) co_return std::optional<ChangeRecord>{};
  next->claimed_until = now + lease;
  next->record.stale = next->record.requested_at <= now - stale_after;
  co_return next->record;
}

boost::asio::awaitable<StoreResult<void>> FakeChangeStore::release_claim(
    std::string request_id, std::chrono::milliseconds retry_after, Deadline) {
  if (down_) co_return down_error();
  std::lock_guard lock{mutex_};
  if (auto found = rows_.find(request_id);
      found != rows_.end() && in_flight(found->second.record.status)) {
    found->second.claimed_until = clock_.now() + retry_after;
    found->second.updated_at = clock_.now();
  }
  co_return StoreResult<void>{};
}

}  // namespace phonebill::product::fakes
