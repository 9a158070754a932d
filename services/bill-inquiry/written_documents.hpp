// Which bill documents (db/bill/005) this process has already committed, so the history
// writer neither seals nor sends a hot bill again for every request that shows it: a
// bounded LRU of (document key, month). A key is remembered only after the transaction
// that wrote its document committed, and forgotten all at once after any failed commit
// (a failover may have lost what was remembered); a month the key cannot be told for
// (see unambiguous_month) is never remembered, so a skipped document always exists.
// Entry points: WrittenDocuments, unambiguous_month.
#pragma once
#include <cstddef>
#include <cstring>
#include <list>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "bill_values.hpp"
#include "core/clock.hpp"

namespace phonebill::bill {

// The UTC month of `at` (months since year 0), or nullopt within 15 hours of a month's
// edge: the database cuts months in its own time zone (date_trunc, pg_partman), and only
// away from the edges is that month the UTC one for every zone.
std::optional<int> unambiguous_month(SystemTime at);

// A committed document: its key and its month (unambiguous_month). Held as bytes (issue 17
// item 3): the hex text and "/month" string it was before cost a hot hit three
// allocations and two hashes of 70 characters.
struct WrittenDocument {
  DocumentKey key{};
  int month = 0;
  bool operator==(const WrittenDocument&) const = default;
};

// The key is a keyed BLAKE2b already: its first bytes are as good a hash as any.
struct WrittenDocumentHash {
  std::size_t operator()(const WrittenDocument& document) const {
    std::size_t hash = 0;
    std::memcpy(&hash, document.key.data(), sizeof hash);
    return hash ^ static_cast<std::size_t>(document.month);
  }
};

class WrittenDocuments {
 public:
  explicit WrittenDocuments(std::size_t capacity) : capacity_(capacity) {}

  // `document` was committed; refreshes it.
  bool contains(const WrittenDocument& document);
  void remember(const WrittenDocument& document);
  void forget_all();

 private:
  std::mutex mutex_;
  const std::size_t capacity_;
  std::list<WrittenDocument> order_;  // most recently used first
  std::unordered_map<WrittenDocument, std::list<WrittenDocument>::iterator, WrittenDocumentHash>
      entries_;
};

}  // namespace phonebill::bill
