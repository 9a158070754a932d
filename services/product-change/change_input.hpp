// The input rules of product-change (SPEC §6): KOS's product-code alphabet, what an
// Idempotency-Key may hold and promise, and which line a caller may name. Pure; the
// handlers check JSON types only. Entry points: is_product_code, is_idempotency_key,
// change_fingerprint, check_product_code, owned_line.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/validation.hpp"
#include "product_status.hpp"

namespace phonebill::product {

// Product codes are 1–40 of [A-Za-z0-9_-] (KOS's rule); keys 1–100 visible ASCII.
bool is_product_code(std::string_view text);
bool is_idempotency_key(std::string_view text);
// What an Idempotency-Key promises: the same line, current and target plan.
std::string change_fingerprint(const std::string& line, const std::string& current,
                               const std::string& target);
// Adds `field`'s problem to `errors` when `code` is missing or not a product code.
void check_product_code(const std::optional<std::string>& code, std::string_view field,
                        FieldErrors& errors);
// The line a caller named (any accepted form), or its own when it named none: the
// canonical number, kInvalidInput (lineNumber) or kLineNotOwned.
Result<std::string, ProductStatus> owned_line(const std::string& caller_line,
                                              const std::optional<std::string>& input);

}  // namespace phonebill::product
