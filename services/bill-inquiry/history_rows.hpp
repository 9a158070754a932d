// The parameters a history batch's insert statements take (queries.hpp: one array per
// column, `unnest`ed by the server), in PostgreSQL's binary format and written straight
// from the entries (issue 17 item 3): no JSON for the server to lex, sort and look up
// key by key, no hex to decode, no timestamp text to parse; a hot bill's document key is
// hashed from its parts without copying the bill. The rows PostgreSQL stores are those of
// the former JSON rendering: same columns, same values (times to the millisecond).
// Entry points: HistoryBatchParams, render_history_batch.
#pragma once
#include <cstddef>
#include <string>
#include <unordered_set>
#include <vector>

#include "crypto/sealed_columns.hpp"
#include "history_records.hpp"
#include "storage/pg_result.hpp"
#include "written_documents.hpp"

namespace phonebill::bill {

struct HistoryBatchParams {
  storage::PgBinaryParams requests;   // kInsertRequests: one array per column, a row per entry
  storage::PgBinaryParams documents;  // kInsertDocuments: bills to store (db/bill/005)
  storage::PgBinaryParams calls;      // kInsertCalls: a row per KOS call
  std::size_t document_count = 0;     // 0: don't run kInsertDocuments
  std::size_t call_count = 0;         // 0: don't run kInsertCalls
  // WrittenDocuments keys to remember once the batch committed.
  std::unordered_set<WrittenDocument, WrittenDocumentHash> to_remember;
};

// `written`: the documents this process committed already (their rows are left out).
HistoryBatchParams render_history_batch(const std::vector<const HistoryEntry*>& entries,
                                        const crypto::SealedColumns& sealed,
                                        WrittenDocuments& written);

}  // namespace phonebill::bill
