// A JSON string value appended to text (see json_text.hpp).
#include "core/json_text.hpp"

namespace phonebill {

void append_json_string(std::string& out, std::string_view value) {
  constexpr std::string_view kDigits = "0123456789abcdef";
  out.push_back('"');
  for (char character : value) {
    const auto code = static_cast<unsigned char>(character);
    switch (character) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (code < 0x20) {
          out.append("\\u00");
          out.push_back(kDigits[code >> 4]);
          out.push_back(kDigits[code & 15]);
        } else {
          out.push_back(character);
        }
    }
  }
  out.push_back('"');
}

}  // namespace phonebill
