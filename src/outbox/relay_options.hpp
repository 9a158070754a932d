// The relay's settings (docs/events.md#configuration): where events go
// (PHONEBILL_MVNO_AP_URL, unset: the outbox is off — no events are written or sent), the
// signing secrets (PHONEBILL_MVNO_AP_SECRETS, current first) and PHONEBILL_OUTBOX_*
// (batch, concurrency, poll interval, lease, POST timeout, backoff, dead-letter age,
// retention of delivered events). Entry point: RelayOptions::from_environment.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/base_url.hpp"
#include "core/config.hpp"

namespace phonebill::outbox {

struct RelayOptions {
  std::optional<BaseUrl> receiver;               // nullopt: the outbox is off
  std::string receiver_path;                     // the URL's path + "/events"
  std::vector<std::string> secrets;              // signs with the first; never logged
  int batch = 64;                                // events claimed per statement
  int concurrency = 8;                           // POSTs in flight at once
  std::chrono::milliseconds poll_interval{200};  // when nothing was due
  std::chrono::milliseconds lease{30'000};       // a claim's hold (> post_timeout)
  std::chrono::milliseconds post_timeout{5'000};
  std::chrono::milliseconds backoff_base{1'000};  // before the first retry, then doubled
  std::chrono::milliseconds backoff_max{300'000};
  std::chrono::milliseconds dead_after{24LL * 3'600'000};  // retried this long: DEAD
  std::chrono::milliseconds retention{7LL * 24 * 3'600'000};

  bool enabled() const { return receiver.has_value(); }

  // Throws ConfigError naming the bad variable (a URL without secrets is one).
  static RelayOptions from_environment(const Environment& environment);
};

}  // namespace phonebill::outbox
