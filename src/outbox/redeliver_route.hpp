// POST /api/v1/admin/events/{id}/redeliver (issue 21, ADMIN only): a dead letter is due
// again at once, its dead-letter age counted afresh. 200 {eventId, status: PENDING};
// 400 VALIDATION_ERROR for an id that is not one of ours, 401/403 as every route,
// 404 NOT_FOUND for an unknown event, 409 EVENT_NOT_DEAD for one that is pending or
// delivered, 503 SERVICE_UNAVAILABLE when the database does not answer. The gateway
// asks bill-inquiry first and product-change on a 404. Entry point: add_redeliver_route.
#pragma once
#include "http/router.hpp"

namespace phonebill::security {
class TokenVerifier;
}

namespace phonebill::outbox {

class OutboxStore;
class OutboxRelay;

// `relay` may be null (the outbox is off: every id is unknown).
void add_redeliver_route(http::Router& router, OutboxStore* store, OutboxRelay* relay,
                         security::TokenVerifier& verifier);

}  // namespace phonebill::outbox
