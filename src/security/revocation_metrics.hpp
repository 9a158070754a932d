// The revocation listener's health as scraped families (SPEC §13, "revocation lag"), the
// same in every process that verifies tokens:
//   phonebill_revocation_listener_synchronized   1 when subscribed and resynced since the
//       last (re)subscribe (the listener's readiness)
//   phonebill_revocation_messages_total          revocation messages applied
//   phonebill_revocation_resyncs_total           full resyncs from the keys finished (one
//       a minute when healthy: a stalled count is a listener falling behind)
// Messages carry no send time, so the lag itself cannot be measured; the rules alert on
// an unsynchronized listener and on resyncs that stopped (deploy/prometheus/rules).
#pragma once
#include <vector>

#include "http/scraped_family.hpp"

namespace phonebill::security {

class RevocationListener;

// Families reading `listener` (which must outlive the metrics) at scrape time.
std::vector<http::ScrapedFamily> revocation_families(const RevocationListener& listener);

}  // namespace phonebill::security
