// The revocation listener's scraped families (see revocation_metrics.hpp).
#include "security/revocation_metrics.hpp"

#include "security/revocation_set.hpp"

namespace phonebill::security {

std::vector<http::ScrapedFamily> revocation_families(const RevocationListener& listener) {
  const RevocationListener* read = &listener;
  auto one = [](double value) { return std::vector<http::ScrapedSample>{{{}, value}}; };
  return {
      {"phonebill_revocation_listener_synchronized",
       "1 when the revocation listener is subscribed and resynced", http::ScrapedKind::kGauge,
       [read, one] { return one(read->is_synchronized() ? 1 : 0); }},
      {"phonebill_revocation_messages_total", "Revocation messages applied",
       http::ScrapedKind::kCounter, [read, one] { return one(double(read->messages_received())); }},
      {"phonebill_revocation_resyncs_total", "Full revocation resyncs from Redis finished",
       http::ScrapedKind::kCounter, [read, one] { return one(double(read->resyncs_completed())); }},
  };
}

}  // namespace phonebill::security
