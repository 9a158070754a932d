// What the stand-in MVNO AP server has received (issue 21): every event it accepted, in
// arrival order, one copy per event id (a repeat is counted as a duplicate and answered
// 200, as a real receiver deduplicating on Idempotency-Key would), and the refusals by
// reason. In memory: it lives as long as the process, which is what tests and local
// runs need (docs/decisions.md). Thread-safe. Entry point: Receiver.
#pragma once
#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"

namespace phonebill::mvno_ap {

struct ReceivedEvent {
  std::string id;
  std::string type;
  boost::json::object body;  // the event as sent
  SystemTime received_at;
  int copies = 1;  // deliveries of this id (1 + duplicates)
};

enum class Accepted { kNew, kDuplicate };

class Receiver {
 public:
  Accepted accept(std::string id, std::string type, boost::json::object body, SystemTime at);
  void refused(std::string_view reason);
  void faulted(std::string_view fault);

  // {count, duplicates, refused: {reason: n}, faulted: {fault: n}, events: [...]}, events
  // filtered by `type` and `line` (the masked line) when given.
  boost::json::object snapshot(const std::optional<std::string>& type,
                               const std::optional<std::string>& line) const;
  void clear();

 private:
  mutable std::mutex mutex_;
  std::vector<ReceivedEvent> events_;
  std::unordered_map<std::string, std::size_t> by_id_;
  std::uint64_t duplicates_ = 0;
  std::map<std::string, std::uint64_t, std::less<>> refused_;
  std::map<std::string, std::uint64_t, std::less<>> faulted_;
};

}  // namespace phonebill::mvno_ap
