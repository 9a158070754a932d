// The key of a bill document (db/bill/005, docs/decisions.md "The bill stored once"): the
// blind index (kBillDocumentPurpose) of the line, the month and the billInfo bytes, so the
// same bill shown again finds its document and another version makes a new one. A bill
// entering the cache gets its key once and the cached value carries it (bill:v4), so a hit
// does not hash its 1.5-2.5 KB again for the history row (issue 17, session 12).
// Entry point: bill_document_key.
#pragma once
#include <string>
#include <string_view>

#include "bill_values.hpp"

namespace phonebill::crypto {
class SealedColumns;
}

namespace phonebill::bill {

DocumentKey bill_document_key(const crypto::SealedColumns& sealed, std::string_view line_number,
                              std::string_view month_kos_form, std::string_view bill_text);

}  // namespace phonebill::bill
