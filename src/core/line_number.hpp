// Korean mobile line numbers (SPEC §0): canonical 11 digits starting 010,
// dashed 010-1234-5678 accepted on input, masked 010-****-5678 in logs.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace phonebill {

// The canonical 11-digit form, or nullopt when the input is any other shape.
std::optional<std::string> normalize_line_number(std::string_view input);

// 010-1234-5678 for display.
std::string dashed_line_number(std::string_view canonical);

// 010-****-5678 for logs; never reveals the middle digits, whatever the input.
std::string masked_line_number(std::string_view line_number);

}  // namespace phonebill
