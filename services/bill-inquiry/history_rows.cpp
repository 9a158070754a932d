// A history batch's statement parameters, one binary array per column (see
// history_rows.hpp).
#include "history_rows.hpp"

#include <chrono>

#include "bill_document_key.hpp"
#include "bill_sealing.hpp"
#include "core/epoch_milliseconds.hpp"
#include "storage/pg_binary_array.hpp"

namespace phonebill::bill {
namespace {

using storage::PgArrayOf;
using storage::PgBinaryArray;

// Stored to the millisecond, as the JSON rendering wrote them (request ids and the KOS
// calls' sealing rows carry milliseconds too).
std::chrono::sys_time<std::chrono::milliseconds> stored_time(SystemTime at) {
  return std::chrono::floor<std::chrono::milliseconds>(at);
}

// `value` sealed for `field` of `row`, in a buffer this thread reuses for every value of
// every row it writes (valid until the next call).
std::string_view sealed_bytes(const crypto::SealedColumns& sealed, std::string_view field,
                              std::string_view row, std::string_view value) {
  thread_local std::string associated;
  thread_local std::string bytes;
  associated.assign(field);
  associated.push_back('\0');  // crypto::associated_data's form
  associated.append(row);
  sealed.cipher().seal_into(bytes, value, associated);
  return bytes;
}

std::string hex_text(std::string_view bytes) {
  constexpr std::string_view kDigits = "0123456789abcdef";
  std::string text;
  text.reserve(2 * bytes.size());
  for (char byte : bytes) {
    const auto value = static_cast<unsigned char>(byte);
    text.push_back(kDigits[value >> 4]);
    text.push_back(kDigits[value & 15]);
  }
  return text;
}

// Bytes reserved per element (its 4-byte length included) for `rows` rows: about one
// request's worth, so each array is allocated once per batch.
std::size_t bytes_for(std::size_t rows, std::size_t per_element) { return rows * per_element; }

// kInsertRequests' columns, in its order.
struct RequestColumns {
  explicit RequestColumns(std::size_t rows)
      : request_id{PgArrayOf::kText, bytes_for(rows, 40)},
        user_id{PgArrayOf::kText, bytes_for(rows, 48)},
        line_number_sealed{PgArrayOf::kBytea, bytes_for(rows, 64)},
        line_index{PgArrayOf::kBytea, bytes_for(rows, 36)},
        billing_month{PgArrayOf::kText, bytes_for(rows, 12)},
        requested_at{PgArrayOf::kTimestamptz, bytes_for(rows, 12)},
        finished_at{PgArrayOf::kTimestamptz, bytes_for(rows, 12)},
        status{PgArrayOf::kText, bytes_for(rows, 13)},
        source{PgArrayOf::kText, bytes_for(rows, 15)},
        result_code{PgArrayOf::kText, bytes_for(rows, 8)},
        result_summary_sealed{PgArrayOf::kBytea, bytes_for(rows, 80)},
        bill_document{PgArrayOf::kBytea, bytes_for(rows, 36)},
        http_request_id{PgArrayOf::kText, bytes_for(rows, 40)},
        trace_id{PgArrayOf::kText, bytes_for(rows, 36)} {}

  storage::PgBinaryParams finish() && {
    storage::PgBinaryParams params;
    params.values.reserve(14);
    for (auto* column : {&request_id, &user_id, &line_number_sealed, &line_index, &billing_month,
                         &requested_at, &finished_at, &status, &source, &result_code,
                         &result_summary_sealed, &bill_document, &http_request_id, &trace_id})
      params.values.push_back(std::move(*column).finish());
    return params;
  }

  PgBinaryArray request_id, user_id, line_number_sealed, line_index, billing_month, requested_at,
      finished_at, status, source, result_code, result_summary_sealed, bill_document,
      http_request_id, trace_id;
};

// kInsertDocuments' columns.
struct DocumentColumns {
  PgBinaryArray document_key{PgArrayOf::kBytea};
  PgBinaryArray requested_at{PgArrayOf::kTimestamptz};
  PgBinaryArray bill_sealed{PgArrayOf::kBytea};

  storage::PgBinaryParams finish() && {
    storage::PgBinaryParams params;
    for (auto* column : {&document_key, &requested_at, &bill_sealed})
      params.values.push_back(std::move(*column).finish());
    return params;
  }
};

// kInsertCalls' columns.
struct CallColumns {
  PgBinaryArray request_id{PgArrayOf::kText};
  PgBinaryArray operation{PgArrayOf::kText};
  PgBinaryArray attempt{PgArrayOf::kInt4};
  PgBinaryArray requested_at{PgArrayOf::kTimestamptz};
  PgBinaryArray responded_at{PgArrayOf::kTimestamptz};
  PgBinaryArray result_code{PgArrayOf::kText};
  PgBinaryArray result_message_sealed{PgArrayOf::kBytea};
  PgBinaryArray failure{PgArrayOf::kText};
  PgBinaryArray circuit_state{PgArrayOf::kText};

  storage::PgBinaryParams finish() && {
    storage::PgBinaryParams params;
    for (auto* column : {&request_id, &operation, &attempt, &requested_at, &responded_at,
                         &result_code, &result_message_sealed, &failure, &circuit_state})
      params.values.push_back(std::move(*column).finish());
    return params;
  }
};

// The bill document of a request that showed `bill_text`: its key (32 bytes); its row is
// written to `documents` unless this process committed it for the month already
// (`written`) or the batch holds it (`batch`: what to remember once the batch committed).
// The document's associated data uses the key's hex, as the reads do.
DocumentKey document_of(const HistoryEntry& entry, const std::string& bill_text,
                        const crypto::SealedColumns& sealed, WrittenDocuments& written,
                        HistoryBatchParams& batch, DocumentColumns& documents) {
  // A cached bill carries its key (bill:v4); else it is hashed here.
  const DocumentKey document_key =
      entry.bill && entry.bill->document_key
          ? *entry.bill->document_key
          : bill_document_key(sealed, entry.line_number.value_or(""),
                              entry.billing_month ? entry.billing_month->kos_form() : std::string{},
                              bill_text);
  const std::string_view key{document_key.data(), document_key.size()};
  // Near a month's edge the database's month is not known here: always sent (the insert
  // leaves a document already there alone).
  if (auto database_month = unambiguous_month(entry.requested_at)) {
    const WrittenDocument written_document{document_key, *database_month};
    if (batch.to_remember.contains(written_document) || written.contains(written_document))
      return document_key;
    batch.to_remember.insert(written_document);
  }
  documents.document_key.text(key);
  documents.requested_at.timestamptz(stored_time(entry.requested_at));
  documents.bill_sealed.text(sealed_bytes(sealed, kBillDocumentField, hex_text(key), bill_text));
  ++batch.document_count;
  return document_key;
}

void request_row(RequestColumns& row, const HistoryEntry& entry,
                 const crypto::SealedColumns& sealed, const std::optional<DocumentKey>& document) {
  row.request_id.text(entry.request_id);
  row.user_id.text(entry.user_id);
  if (entry.line_number) {
    row.line_number_sealed.text(
        sealed_bytes(sealed, kLineNumberField, entry.request_id, *entry.line_number));
    const auto line_index = sealed.index_digest(kLineIndexPurpose, *entry.line_number);
    row.line_index.text({line_index.data(), line_index.size()});
  } else {
    row.line_number_sealed.null();
    row.line_index.null();
  }
  if (entry.billing_month) {
    row.billing_month.text(entry.billing_month->api_form());
  } else {
    row.billing_month.null();
  }
  row.requested_at.timestamptz(stored_time(entry.requested_at));
  row.finished_at.timestamptz(stored_time(entry.finished_at));
  row.status.text(entry.completed ? "COMPLETED" : "FAILED");
  if (entry.source) {
    row.source.text(to_string(*entry.source));
  } else {
    row.source.null();
  }
  row.result_code.text(entry.result_code);
  row.result_summary_sealed.text(
      sealed_bytes(sealed, kResultSummaryField, entry.request_id, entry.result_summary));
  // The billInfo the caller was shown, so /inquiry/{requestId} shows it again as it was:
  // by reference to its document (db/bill/005).
  if (document) {
    row.bill_document.text({document->data(), document->size()});
  } else {
    row.bill_document.null();
  }
  row.http_request_id.text(entry.http_request_id);
  row.trace_id.text(entry.trace_id);
}

void call_row(CallColumns& row, const std::string& request_id, const KosCallRecord& call,
              const crypto::SealedColumns& sealed) {
  const auto operation = kos::to_string(call.operation);
  row.request_id.text(request_id);
  row.operation.text(operation);
  row.attempt.int4(call.attempt.number);
  row.requested_at.timestamptz(stored_time(call.attempt.started_at));
  row.responded_at.timestamptz(stored_time(call.attempt.finished_at));
  if (call.attempt.result_code) {
    row.result_code.text(kos::to_text(*call.attempt.result_code));
  } else {
    row.result_code.null();
  }
  // KOS's message may echo the line: sealed like the request's own values.
  row.result_message_sealed.text(
      sealed_bytes(sealed, kKosMessageField,
                   kos_call_row(request_id, operation, call.attempt.number,
                                epoch_milliseconds(call.attempt.started_at)),
                   call.attempt.result_message));
  if (call.attempt.failure) {
    row.failure.text(kos::to_string(*call.attempt.failure));
  } else {
    row.failure.null();
  }
  row.circuit_state.text(call.attempt.circuit_state.empty() ? "closed"
                                                            : call.attempt.circuit_state);
}

}  // namespace

HistoryBatchParams render_history_batch(const std::vector<const HistoryEntry*>& entries,
                                        const crypto::SealedColumns& sealed,
                                        WrittenDocuments& written) {
  HistoryBatchParams batch;
  RequestColumns requests{entries.size()};
  DocumentColumns documents;
  CallColumns calls;
  for (const auto* entry : entries) {
    std::optional<DocumentKey> document;
    if (entry->bill)
      document = document_of(*entry, *entry->bill->info_json, sealed, written, batch, documents);
    request_row(requests, *entry, sealed, document);
    for (const auto& call : entry->kos_calls) {
      call_row(calls, entry->request_id, call, sealed);
      ++batch.call_count;
    }
  }
  batch.requests = std::move(requests).finish();
  batch.documents = std::move(documents).finish();
  batch.calls = std::move(calls).finish();
  return batch;
}

}  // namespace phonebill::bill
