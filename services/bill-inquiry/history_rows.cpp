// A history batch's statement parameters, written as JSON text (see history_rows.hpp).
#include "history_rows.hpp"

#include <fmt/format.h>

#include <chrono>
#include <iterator>

#include "bill_document_key.hpp"
#include "bill_sealing.hpp"
#include "core/epoch_milliseconds.hpp"
#include "core/json_text.hpp"

namespace phonebill::bill {
namespace {

// `bytes` as lowercase hex at the end of `out`, with one resize.
void append_hex(std::string& out, std::string_view bytes) {
  constexpr std::string_view kDigits = "0123456789abcdef";
  const auto start = out.size();
  out.resize(start + 2 * bytes.size());
  char* at = out.data() + start;
  for (char byte : bytes) {
    const auto value = static_cast<unsigned char>(byte);
    *at++ = kDigits[value >> 4];
    *at++ = kDigits[value & 15];
  }
}

// One JSON array of objects, written member by member.
class RowsWriter {
 public:
  explicit RowsWriter(std::string& out) : out_(out) { out_.push_back('['); }
  void finish() { out_.push_back(']'); }

  void begin_row() {
    if (rows_++ > 0) out_.push_back(',');
    out_.push_back('{');
    members_ = 0;
  }
  void end_row() { out_.push_back('}'); }

  void text(std::string_view name, std::string_view value) {
    member(name);
    quoted(value);
  }
  // `at` as core/seoul_time's iso8601_utc_millis writes it, without a string of its own.
  void time(std::string_view name, SystemTime at) {
    member(name);
    auto millis = std::chrono::floor<std::chrono::milliseconds>(at);
    auto days = std::chrono::floor<std::chrono::days>(millis);
    std::chrono::year_month_day date{days};
    std::chrono::hh_mm_ss clock{millis - days};
    fmt::format_to(std::back_inserter(out_), "\"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z\"",
                   int(date.year()), unsigned(date.month()), unsigned(date.day()),
                   clock.hours().count(), clock.minutes().count(), clock.seconds().count(),
                   clock.subseconds().count());
  }
  void null(std::string_view name) {
    member(name);
    out_.append("null");
  }
  void integer(std::string_view name, std::int64_t value) {
    member(name);
    fmt::format_to(std::back_inserter(out_), "{}", value);
  }
  // `bytes` as plain hex (the statements decode it; see queries.hpp).
  void hex(std::string_view name, std::string_view bytes) {
    member(name);
    out_.push_back('"');
    append_hex(out_, bytes);
    out_.push_back('"');
  }

 private:
  void member(std::string_view name) {
    if (members_++ > 0) out_.push_back(',');
    quoted(name);
    out_.push_back(':');
  }
  void quoted(std::string_view value) { append_json_string(out_, value); }

  std::string& out_;
  std::size_t rows_ = 0;
  std::size_t members_ = 0;
};

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
  std::string text;
  append_hex(text, bytes);
  return text;
}

// The bill document of a request that showed `bill_text`: its key (plain hex); its row is
// written to `documents` unless this process committed it for the month already
// (`written`) or the batch holds it (`batch`: what to remember once the batch committed).
std::string document_of(const HistoryEntry& entry, const std::string& bill_text,
                        const crypto::SealedColumns& sealed, WrittenDocuments& written,
                        HistoryBatchText& batch, RowsWriter& documents) {
  // A cached bill carries its key (bill:v4); else it is hashed here.
  const DocumentKey key =
      entry.bill && entry.bill->document_key
          ? *entry.bill->document_key
          : bill_document_key(sealed, entry.line_number.value_or(""),
                              entry.billing_month ? entry.billing_month->kos_form() : std::string{},
                              bill_text);
  auto key_hex = hex_text({key.data(), key.size()});
  // Near a month's edge the database's month is not known here: always sent (the insert
  // leaves a document already there alone).
  if (auto database_month = unambiguous_month(entry.requested_at)) {
    std::string written_key = key_hex + "/" + std::to_string(*database_month);
    if (batch.to_remember.contains(written_key) || written.contains(written_key)) return key_hex;
    batch.to_remember.insert(std::move(written_key));
  }
  documents.begin_row();
  documents.text("document_key", key_hex);
  documents.time("requested_at", entry.requested_at);
  documents.hex("bill_sealed", sealed_bytes(sealed, kBillDocumentField, key_hex, bill_text));
  documents.end_row();
  ++batch.document_count;
  return key_hex;
}

void request_row(RowsWriter& row, const HistoryEntry& entry, const crypto::SealedColumns& sealed,
                 const std::optional<std::string>& document) {
  row.begin_row();
  row.text("request_id", entry.request_id);
  row.text("user_id", entry.user_id);
  if (entry.line_number) {
    row.hex("line_number_sealed",
            sealed_bytes(sealed, kLineNumberField, entry.request_id, *entry.line_number));
    row.hex("line_index", sealed.index_bytes(kLineIndexPurpose, {*entry.line_number}));
  } else {
    row.null("line_number_sealed");
    row.null("line_index");
  }
  if (entry.billing_month) {
    row.text("billing_month", entry.billing_month->api_form());
  } else {
    row.null("billing_month");
  }
  row.time("requested_at", entry.requested_at);
  row.time("finished_at", entry.finished_at);
  row.text("status", entry.completed ? "COMPLETED" : "FAILED");
  if (entry.source) {
    row.text("source", to_string(*entry.source));
  } else {
    row.null("source");
  }
  row.text("result_code", entry.result_code);
  row.hex("result_summary_sealed",
          sealed_bytes(sealed, kResultSummaryField, entry.request_id, entry.result_summary));
  // The billInfo the caller was shown, so /inquiry/{requestId} shows it again as it was:
  // by reference to its document (db/bill/005).
  if (document) {
    row.text("bill_document", *document);
  } else {
    row.null("bill_document");
  }
  row.text("http_request_id", entry.http_request_id);
  row.text("trace_id", entry.trace_id);
  row.end_row();
}

void call_row(RowsWriter& row, const std::string& request_id, const KosCallRecord& call,
              const crypto::SealedColumns& sealed) {
  const auto operation = kos::to_string(call.operation);
  row.begin_row();
  row.text("request_id", request_id);
  row.text("operation", operation);
  row.integer("attempt", call.attempt.number);
  row.time("requested_at", call.attempt.started_at);
  row.time("responded_at", call.attempt.finished_at);
  if (call.attempt.result_code) {
    row.text("result_code", kos::to_text(*call.attempt.result_code));
  } else {
    row.null("result_code");
  }
  // KOS's message may echo the line: sealed like the request's own values.
  row.hex("result_message_sealed",
          sealed_bytes(sealed, kKosMessageField,
                       kos_call_row(request_id, operation, call.attempt.number,
                                    epoch_milliseconds(call.attempt.started_at)),
                       call.attempt.result_message));
  if (call.attempt.failure) {
    row.text("failure", kos::to_string(*call.attempt.failure));
  } else {
    row.null("failure");
  }
  row.text("circuit_state",
           call.attempt.circuit_state.empty() ? "closed" : call.attempt.circuit_state);
  row.end_row();
}

// About one request row's bytes (its sealed values in hex included): the text is reserved
// once for the batch instead of growing by doubling.
constexpr std::size_t kRequestRowBytes = 700;

}  // namespace

HistoryBatchText render_history_batch(const std::vector<const HistoryEntry*>& entries,
                                      const crypto::SealedColumns& sealed,
                                      WrittenDocuments& written) {
  HistoryBatchText batch;
  batch.requests.reserve(2 + entries.size() * kRequestRowBytes);
  RowsWriter requests{batch.requests};
  RowsWriter documents{batch.documents};
  RowsWriter calls{batch.calls};
  for (const auto* entry : entries) {
    std::optional<std::string> document;
    if (entry->bill)
      document = document_of(*entry, *entry->bill->info_json, sealed, written, batch, documents);
    request_row(requests, *entry, sealed, document);
    for (const auto& call : entry->kos_calls) {
      call_row(calls, entry->request_id, call, sealed);
      ++batch.call_count;
    }
  }
  requests.finish();
  documents.finish();
  calls.finish();
  return batch;
}

}  // namespace phonebill::bill
