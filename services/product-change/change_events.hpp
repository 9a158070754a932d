// The events a settled plan change makes for the MVNO AP server (issue 21,
// docs/events.md): COMPLETED → product.change.completed and
// customer.notification.requested (the MVNO AP server sends the SMS/push; we run no SMS
// gateway), FAILED / PRECHECK_FAILED → product.change.failed, PENDING →
// product.change.pending. PgChangeStore writes them in the settle's transaction, so a
// change is announced exactly when it is recorded. Entry point: change_events.
#pragma once
#include <vector>

#include "change_record.hpp"
#include "outbox/outbox_event.hpp"

namespace phonebill::product {

// The events of `record` as it now stands (just settled); none for REQUESTED.
std::vector<outbox::OutboxEvent> change_events(const ChangeRecord& record, SystemTime at);

}  // namespace phonebill::product
