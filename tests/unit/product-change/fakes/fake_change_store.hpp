// An in-memory ChangeStore for unit tests (STYLE §8): the same contract as PgChangeStore
// — one change in flight per line, one record per user's Idempotency-Key, settle only by
// the state machine's moves, a lease on claimed records — on a Clock the test drives.
// `set_down(true)` makes every call fail as a database that does not answer.
#pragma once
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "change_store.hpp"
#include "core/clock.hpp"

namespace phonebill::product::fakes {

class FakeChangeStore final : public ChangeStore {
 public:
  explicit FakeChangeStore(const Clock& clock) : clock_(clock) {}

  void set_down(bool down) { down_ = down; }
  // Puts `record` in as it is (a test's starting state), requested `age` ago.
  void put(ChangeRecord record, std::chrono::milliseconds age = std::chrono::milliseconds{0});
  std::optional<ChangeRecord> get(const std::string& request_id) const;
  std::vector<ChangeRecord> all() const;
  int settles() const { return settles_; }

  boost::asio::awaitable<StoreResult<InsertResult>> insert(ChangeRecord record,
                                                           Deadline deadline) override;
  boost::asio::awaitable<StoreResult<std::optional<ChangeRecord>>> settle(
      std::string request_id, ChangeOutcome outcome, std::optional<std::string> previous_name,
      std::optional<std::vector<Check>> checks, Deadline deadline) override;
  boost::asio::awaitable<StoreResult<std::optional<ChangeRecord>>> find(std::string request_id,
                                                                        Deadline deadline) override;
  boost::asio::awaitable<StoreResult<std::optional<ChangeRecord>>> find_by_key(
      std::string user_id, std::string key, Deadline deadline) override;
  boost::asio::awaitable<StoreResult<void>> release_key(std::string request_id,
                                                        Deadline deadline) override;
  boost::asio::awaitable<StoreResult<ChangePage>> list(HistoryFilter filter,
                                                       Deadline deadline) override;
  boost::asio::awaitable<StoreResult<std::optional<ChangeRecord>>> claim_next(
      std::chrono::milliseconds stale_after, std::chrono::milliseconds lease,
      Deadline deadline) override;
  boost::asio::awaitable<StoreResult<void>> release_claim(std::string request_id,
                                                          std::chrono::milliseconds retry_after,
                                                          Deadline deadline) override;

 private:
  struct Row {
    ChangeRecord record;
    SystemTime updated_at;
    std::optional<SystemTime> claimed_until;
  };

  const Clock& clock_;
  bool down_ = false;
  int settles_ = 0;
  mutable std::mutex mutex_;
  std::map<std::string, Row> rows_;
};

}  // namespace phonebill::product::fakes
