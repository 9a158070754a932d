// bill.inquiry.completed / bill.inquiry.failed (issue 21, docs/events.md): the event an
// inquiry's history entry makes for the MVNO AP server, written by PgHistoryStore in the
// transaction that writes the entry. An inquiry refused before it named a valid line
// (bad input), or for another customer's line (LINE_NOT_OWNED), tells the MVNO AP server
// nothing and makes none. Entry point: inquiry_event.
#pragma once
#include <optional>

#include "history_records.hpp"
#include "outbox/outbox_event.hpp"

namespace phonebill::bill {

std::optional<outbox::OutboxEvent> inquiry_event(const HistoryEntry& entry);

}  // namespace phonebill::bill
