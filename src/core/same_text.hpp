// Whether a text is exactly a given literal, compared inline. Entry point: is_exactly.
#pragma once
#include <cstddef>
#include <cstring>
#include <string_view>

namespace phonebill {

// `text` is exactly `literal`: the length decides first, then the bytes are compared with
// a length known when compiling, which GCC does inline. std::string's == with a literal
// is a strlen and an out-of-line compare, and std::string_view's == was an out-of-line
// call per comparison in the gateway's build (issue 17 item 2: a request's method and
// header names, compared a dozen times a request).
template <std::size_t Size>
bool is_exactly(std::string_view text, const char (&literal)[Size]) {
  return text.size() == Size - 1 && std::memcmp(text.data(), literal, Size - 1) == 0;
}

}  // namespace phonebill
