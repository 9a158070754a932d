// product-change's input rules (codes, keys, lines): see change_input.hpp.
#include "change_input.hpp"

#include "core/line_number.hpp"

namespace phonebill::product {

bool is_product_code(std::string_view text) {
  if (text.empty() || text.size() > 40) return false;
  for (char c : text) {
    bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '_';
    if (!allowed) return false;
  }
  return true;
}

bool is_idempotency_key(std::string_view text) {
  if (text.empty() || text.size() > 100) return false;
  for (char c : text)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

std::string change_fingerprint(const std::string& line, const std::string& current,
                               const std::string& target) {
  return line + "|" + current + "|" + target;
}

void check_product_code(const std::optional<std::string>& code, std::string_view field,
                        FieldErrors& errors) {
  if (!code) {
    errors.add(std::string{field}, "is required");
  } else if (!is_product_code(*code)) {
    errors.add(std::string{field}, "must be 1-40 letters, digits, '-' or '_'");
  }
}

Result<std::string, ProductStatus> owned_line(const std::string& caller_line,
                                              const std::optional<std::string>& input) {
  if (!input) return caller_line;
  auto line = normalize_line_number(*input);
  if (!line) {
    FieldErrors errors;
    errors.add("lineNumber", "must be 01012345678 or 010-1234-5678");
    return refuse(ProductStatus::kInvalidInput, std::move(errors));
  }
  if (*line != caller_line) return refuse(ProductStatus::kLineNotOwned);
  return *line;
}

}  // namespace phonebill::product
