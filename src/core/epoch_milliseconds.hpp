// Wall time as epoch milliseconds and back: how stored rows and cached values carry a
// time (JSON numbers, bigint columns). Entry points: epoch_milliseconds, from_epoch_milliseconds.
#pragma once
#include <chrono>
#include <cstdint>

#include "core/clock.hpp"

namespace phonebill {

inline std::int64_t epoch_milliseconds(SystemTime time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

inline SystemTime from_epoch_milliseconds(std::int64_t milliseconds) {
  return SystemTime{
      std::chrono::duration_cast<SystemTime::duration>(std::chrono::milliseconds{milliseconds})};
}

}  // namespace phonebill
