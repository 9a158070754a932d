// WrittenDocuments: the bill documents already committed (see written_documents.hpp).
#include "written_documents.hpp"

#include <chrono>

namespace phonebill::bill {

std::optional<int> unambiguous_month(SystemTime at) {
  using namespace std::chrono;
  const year_month_day day{floor<days>(at)};
  const auto first = year_month{day.year(), day.month()};
  const sys_days start{first / 1};
  const sys_days next{(first + months{1}) / 1};
  constexpr auto kWidestOffset = hours{15};  // UTC-12 .. UTC+14, with room
  if (at - start < kWidestOffset || next - at < kWidestOffset) return std::nullopt;
  return static_cast<int>(day.year()) * 12 + static_cast<int>(unsigned{day.month()}) - 1;
}

bool WrittenDocuments::contains(const WrittenDocument& key) {
  std::lock_guard lock{mutex_};
  auto found = entries_.find(key);
  if (found == entries_.end()) return false;
  order_.splice(order_.begin(), order_, found->second);
  return true;
}

void WrittenDocuments::remember(const WrittenDocument& key) {
  std::lock_guard lock{mutex_};
  if (auto found = entries_.find(key); found != entries_.end()) {
    order_.splice(order_.begin(), order_, found->second);
    return;
  }
  order_.push_front(key);
  entries_.emplace(key, order_.begin());
  if (order_.size() > capacity_) {
    entries_.erase(order_.back());
    order_.pop_back();
  }
}

void WrittenDocuments::forget_all() {
  std::lock_guard lock{mutex_};
  entries_.clear();
  order_.clear();
}

}  // namespace phonebill::bill
