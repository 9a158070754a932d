// Receiver: the stand-in's record of what arrived (see receiver.hpp).
#include "receiver.hpp"

#include <boost/json/array.hpp>

#include "core/seoul_time.hpp"

namespace phonebill::mvno_ap {

Accepted Receiver::accept(std::string id, std::string type, boost::json::object body,
                          SystemTime at) {
  std::lock_guard lock{mutex_};
  if (auto found = by_id_.find(id); found != by_id_.end()) {
    ++events_[found->second].copies;
    ++duplicates_;
    return Accepted::kDuplicate;
  }
  by_id_.emplace(id, events_.size());
  events_.push_back(ReceivedEvent{std::move(id), std::move(type), std::move(body), at, 1});
  return Accepted::kNew;
}

void Receiver::refused(std::string_view reason) {
  std::lock_guard lock{mutex_};
  auto found = refused_.find(reason);
  if (found == refused_.end()) found = refused_.emplace(std::string{reason}, 0).first;
  ++found->second;
}

void Receiver::faulted(std::string_view fault) {
  std::lock_guard lock{mutex_};
  auto found = faulted_.find(fault);
  if (found == faulted_.end()) found = faulted_.emplace(std::string{fault}, 0).first;
  ++found->second;
}

boost::json::object Receiver::snapshot(const std::optional<std::string>& type,
                                       const std::optional<std::string>& line) const {
  std::lock_guard lock{mutex_};
  boost::json::array events;
  for (const auto& event : events_) {
    if (type && event.type != *type) continue;
    if (line) {
      auto* value = event.body.if_contains("line");
      if (!value || !value->is_string() || value->get_string() != *line) continue;
    }
    events.push_back(boost::json::object{{"id", event.id},
                                         {"type", event.type},
                                         {"receivedAt", iso8601_utc_millis(event.received_at)},
                                         {"copies", event.copies},
                                         {"event", event.body}});
  }
  boost::json::object refused, faulted;
  for (const auto& [reason, count] : refused_) refused[reason] = count;
  for (const auto& [fault, count] : faulted_) faulted[fault] = count;
  return {{"count", events.size()},        {"total", events_.size()},
          {"duplicates", duplicates_},     {"refused", std::move(refused)},
          {"faulted", std::move(faulted)}, {"events", std::move(events)}};
}

void Receiver::clear() {
  std::lock_guard lock{mutex_};
  events_.clear();
  by_id_.clear();
  duplicates_ = 0;
  refused_.clear();
  faulted_.clear();
}

}  // namespace phonebill::mvno_ap
