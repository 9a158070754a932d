// Compile-time joining of string literals: one shared SQL fragment with a different tail each,
// without a macro (a raw literal spanning lines cannot sit in one) and without a start-up step.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>

namespace phonebill::core {

// The parts' characters, in order, followed by one '\0'. Keep the result in a constexpr
// variable and view it with joined_view().
template <std::size_t... Sizes>
constexpr auto join_text(const char (&... parts)[Sizes]) {
  std::array<char, (Sizes + ...) - sizeof...(Sizes) + 1> joined{};
  std::size_t at = 0;
  ((std::copy_n(parts, Sizes - 1, joined.begin() + static_cast<std::ptrdiff_t>(at)),
    at += Sizes - 1),
   ...);
  return joined;
}

template <std::size_t Size>
constexpr std::string_view joined_view(const std::array<char, Size>& joined) {
  return {joined.data(), Size - 1};
}

}  // namespace phonebill::core
