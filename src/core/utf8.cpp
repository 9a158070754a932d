// UTF-8 well-formedness checks for untrusted text (see utf8.hpp).
#include "core/utf8.hpp"

namespace phonebill {

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      ++i;
      continue;
    }
    std::size_t length;
    unsigned char low = 0x80, high = 0xBF;  // bounds of the second byte (RFC 3629 table)
    if (byte >= 0xC2 && byte <= 0xDF)
      length = 2;
    else if (byte == 0xE0)
      length = 3, low = 0xA0;
    else if (byte >= 0xE1 && byte <= 0xEC)
      length = 3;
    else if (byte == 0xED)
      length = 3, high = 0x9F;  // no surrogates
    else if (byte >= 0xEE && byte <= 0xEF)
      length = 3;
    else if (byte == 0xF0)
      length = 4, low = 0x90;
    else if (byte >= 0xF1 && byte <= 0xF3)
      length = 4;
    else if (byte == 0xF4)
      length = 4, high = 0x8F;  // nothing past U+10FFFF
    else
      return false;
    if (text.size() - i < length) return false;
    auto second = static_cast<unsigned char>(text[i + 1]);
    if (second < low || second > high) return false;
    for (std::size_t k = 2; k < length; ++k) {
      auto next = static_cast<unsigned char>(text[i + k]);
      if (next < 0x80 || next > 0xBF) return false;
    }
    i += length;
  }
  return true;
}

bool has_control_character(std::string_view text) {
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) return true;
  }
  return false;
}

}  // namespace phonebill
