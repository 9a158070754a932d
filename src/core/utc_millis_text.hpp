// The log line's "time" (iso8601_utc_millis's text) without formatting the whole date per
// line: the text up to the second is kept and only the milliseconds rewritten, the rest
// once a second (issue 17 item 2: fmt::format per access line was ~4,900 instructions).
// Entry point: UtcMillisText::append.
#pragma once
#include <cstdint>
#include <string>

#include "core/clock.hpp"

namespace phonebill {

// One per thread (it is not synchronised). append() writes what iso8601_utc_millis(at)
// returns, e.g. 2026-11-25T00:30:00.123Z, allocating nothing beyond `out`'s growth.
class UtcMillisText {
 public:
  void append(std::string& out, SystemTime at);

 private:
  static constexpr std::size_t kSize = 24;  // YYYY-MM-DDTHH:MM:SS.mmmZ
  // The whole seconds since the epoch text_ shows; none yet at first.
  std::int64_t second_ = INT64_MIN;
  char text_[kSize] = {};
};

}  // namespace phonebill
