// The key of a bill document (see bill_document_key.hpp).
#include "bill_document_key.hpp"

#include <algorithm>

#include "bill_sealing.hpp"
#include "crypto/sealed_columns.hpp"

namespace phonebill::bill {

DocumentKey bill_document_key(const crypto::SealedColumns& sealed, std::string_view line_number,
                              std::string_view month_kos_form, std::string_view bill_text) {
  // Hashed part by part: the bill is not copied.
  const std::string_view separator{"\0", 1};
  const auto bytes = sealed.index_bytes(
      kBillDocumentPurpose, {line_number, separator, month_kos_form, separator, bill_text});
  DocumentKey key{};
  std::copy_n(bytes.begin(), std::min(bytes.size(), key.size()), key.begin());
  return key;
}

}  // namespace phonebill::bill
