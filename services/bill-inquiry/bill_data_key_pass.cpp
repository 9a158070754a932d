// The re-encryption pass over bill-inquiry's history and outbox (bill_data_key_pass.hpp).
#include "bill_data_key_pass.hpp"

#include "bill_sealing.hpp"
#include "queries.hpp"

namespace phonebill::bill {

using storage::pg_params;
using namespace std::chrono_literals;

BillDataKeyPass::BillDataKeyPass(storage::PgPool& pool, const crypto::SealedColumns& sealed,
                                 outbox::OutboxStore& outbox, crypto::ResealOptions options)
    : pool_(pool),
      sealed_(sealed),
      pass_(pool, sealed.ring(),
            {crypto::ResealTable{"bill_inquiry_requests", "",
                                 std::string{queries::kRequestsToSealName},
                                 [this](const storage::PgRows& rows, std::size_t row) {
                                   return reseal_request(rows, row);
                                 }},
             crypto::ResealTable{"bill_kos_calls", "0", std::string{queries::kCallsToSealName},
                                 [this](const storage::PgRows& rows, std::size_t row) {
                                   return reseal_call(rows, row);
                                 }},
             crypto::ResealTable{"bill_documents", "/-infinity",
                                 std::string{queries::kDocumentsToSealName},
                                 [this](const storage::PgRows& rows, std::size_t row) {
                                   return reseal_document(rows, row);
                                 }},
             outbox.reseal_table()},
            options) {}

void BillDataKeyPass::register_statements(storage::PgPool& pool) {
  crypto::ResealPass::register_statements(pool);
  for (auto [name, sql] : {std::pair{queries::kRequestsToSealName, queries::kRequestsToSeal},
                           std::pair{queries::kResealRequestName, queries::kResealRequest},
                           std::pair{queries::kCallsToSealName, queries::kCallsToSeal},
                           std::pair{queries::kResealCallName, queries::kResealCall},
                           std::pair{queries::kDocumentsToSealName, queries::kDocumentsToSeal},
                           std::pair{queries::kResealDocumentName, queries::kResealDocument}})
    pool.register_statement(std::string{name}, std::string{sql});
}

boost::asio::awaitable<storage::PgResult<crypto::ResealedRow>> BillDataKeyPass::reseal_request(
    const storage::PgRows& rows, std::size_t row) {
  const std::string request_id{rows.text(row, "request_id")};
  auto line = sealed_.read_optional(rows, row, "line_number", kLineNumberField, request_id);
  if (!line) co_return line.error();
  auto summary = sealed_.read(rows, row, "result_summary", kResultSummaryField, request_id);
  if (!summary) co_return summary.error();
  auto bill = sealed_.read_optional(rows, row, "bill", kBillField, request_id);
  if (!bill) co_return bill.error();
  std::optional<std::string> sealed_line, line_index, sealed_bill;
  if (*line) {
    sealed_line = sealed_.seal(kLineNumberField, request_id, **line);
    line_index = sealed_.index(kLineIndexPurpose, **line);
  }
  if (*bill) sealed_bill = sealed_.seal(kBillField, request_id, **bill);
  auto params = pg_params(request_id, rows.text(row, "requested_at"), sealed_line, line_index,
                          sealed_.seal(kResultSummaryField, request_id, *summary), sealed_bill,
                          rows.optional_text(row, "line_number_sealed"),
                          rows.optional_text(row, "result_summary_sealed"),
                          rows.optional_text(row, "bill_sealed"));
  auto updated =
      co_await pool_.execute(queries::kResealRequestName, params, phonebill::deadline_after(30s));
  if (!updated) co_return updated.error();
  co_return crypto::ResealedRow{updated->affected_rows(), request_id};
}

boost::asio::awaitable<storage::PgResult<crypto::ResealedRow>> BillDataKeyPass::reseal_call(
    const storage::PgRows& rows, std::size_t row) {
  const auto identity = kos_call_row(rows.text(row, "request_id"), rows.text(row, "operation"),
                                     rows.int64(row, "attempt"), rows.int64(row, "requested_ms"));
  auto message = sealed_.read(rows, row, "result_message", kKosMessageField, identity);
  if (!message) co_return message.error();
  const std::string id{rows.text(row, "id")};
  auto params = pg_params(id, rows.text(row, "requested_at"),
                          sealed_.seal(kKosMessageField, identity, *message),
                          rows.optional_text(row, "result_message_sealed"));
  auto updated =
      co_await pool_.execute(queries::kResealCallName, params, phonebill::deadline_after(30s));
  if (!updated) co_return updated.error();
  co_return crypto::ResealedRow{updated->affected_rows(), id};
}

// A document is only ever sealed (db/bill/005): re-sealed under the current key, with its
// key as associated data as before; the cursor is "<key hex>/<month_start>".
boost::asio::awaitable<storage::PgResult<crypto::ResealedRow>> BillDataKeyPass::reseal_document(
    const storage::PgRows& rows, std::size_t row) {
  const std::string key{rows.text(row, "document_key")};
  auto bill = sealed_.read(rows, row, "bill", kBillDocumentField, key);
  if (!bill) co_return bill.error();
  const std::string month{rows.text(row, "month_start")};
  auto params = pg_params(key, month, sealed_.seal(kBillDocumentField, key, *bill),
                          rows.text(row, "bill_sealed"));
  auto updated =
      co_await pool_.execute(queries::kResealDocumentName, params, phonebill::deadline_after(30s));
  if (!updated) co_return updated.error();
  co_return crypto::ResealedRow{updated->affected_rows(), key + "/" + month};
}

}  // namespace phonebill::bill
