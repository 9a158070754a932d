// The JSON text a history batch's insert statements take (queries.hpp: one
// jsonb_to_recordset array per table), written straight from the entries (issue 17 item
// 3): no boost::json tree per row, sealed values hexed into place, and a hot bill's
// document key hashed from its parts without copying the bill. The rows PostgreSQL
// stores are those of the former boost::json rendering: same fields, same values.
// Entry points: HistoryBatchText, render_history_batch.
#pragma once
#include <cstddef>
#include <string>
#include <unordered_set>
#include <vector>

#include "crypto/sealed_columns.hpp"
#include "history_records.hpp"
#include "written_documents.hpp"

namespace phonebill::bill {

struct HistoryBatchText {
  std::string requests;   // "[{...},...]", one object per entry
  std::string documents;  // bills to store (db/bill/005); "[]" when none
  std::string calls;      // one object per KOS call; "[]" when none
  std::size_t document_count = 0;
  std::size_t call_count = 0;
  // WrittenDocuments keys to remember once the batch committed.
  std::unordered_set<std::string> to_remember;
};

// `written`: the documents this process committed already (their rows are left out).
HistoryBatchText render_history_batch(const std::vector<const HistoryEntry*>& entries,
                                      const crypto::SealedColumns& sealed,
                                      WrittenDocuments& written);

}  // namespace phonebill::bill
