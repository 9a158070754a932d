// Which bill documents (db/bill/005) this process has already committed, so the history
// writer neither seals nor sends a hot bill again for every request that shows it: a
// bounded LRU of (document key, month). A key is remembered only after the transaction
// that wrote its document committed, and forgotten all at once after any failed commit
// (a failover may have lost what was remembered); a month the key cannot be told for
// (see unambiguous_month) is never remembered, so a skipped document always exists.
// Entry points: WrittenDocuments, unambiguous_month.
#pragma once
#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/clock.hpp"

namespace phonebill::bill {

// The UTC month of `at` (months since year 0), or nullopt within 15 hours of a month's
// edge: the database cuts months in its own time zone (date_trunc, pg_partman), and only
// away from the edges is that month the UTC one for every zone.
std::optional<int> unambiguous_month(SystemTime at);

class WrittenDocuments {
 public:
  explicit WrittenDocuments(std::size_t capacity) : capacity_(capacity) {}

  // `key` (document key bytes + month, see PgHistoryStore) was committed; refreshes it.
  bool contains(const std::string& key);
  void remember(const std::string& key);
  void forget_all();

 private:
  std::mutex mutex_;
  const std::size_t capacity_;
  std::list<std::string> order_;  // most recently used first
  std::unordered_map<std::string, std::list<std::string>::iterator> entries_;
};

}  // namespace phonebill::bill
