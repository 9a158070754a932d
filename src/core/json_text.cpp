// A JSON string value appended to text (see json_text.hpp).
#include "core/json_text.hpp"

namespace phonebill {
namespace {

// What JSON requires escaped in a string: the quote, the backslash, the controls.
bool must_escape(unsigned char code) { return code == '"' || code == '\\' || code < 0x20; }

void append_escaped(std::string& out, char character) {
  constexpr std::string_view kDigits = "0123456789abcdef";
  switch (character) {
    case '"':
      out.append("\\\"");
      return;
    case '\\':
      out.append("\\\\");
      return;
    case '\b':
      out.append("\\b");
      return;
    case '\f':
      out.append("\\f");
      return;
    case '\n':
      out.append("\\n");
      return;
    case '\r':
      out.append("\\r");
      return;
    case '\t':
      out.append("\\t");
      return;
    default: {
      const auto code = static_cast<unsigned char>(character);
      out.append("\\u00");
      out.push_back(kDigits[code >> 4]);
      out.push_back(kDigits[code & 15]);
    }
  }
}

}  // namespace

// The bytes between escapes are appended a run at a time, not pushed one by one: the
// values are mostly hex and ids with nothing to escape (it was bill-inquiry's largest
// own symbol after session 10, 2 % of its samples, most of it in push_back).
void append_json_string(std::string& out, std::string_view value) {
  out.push_back('"');
  std::size_t run = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (!must_escape(static_cast<unsigned char>(value[i]))) continue;
    out.append(value.data() + run, i - run);
    append_escaped(out, value[i]);
    run = i + 1;
  }
  out.append(value.data() + run, value.size() - run);
  out.push_back('"');
}

}  // namespace phonebill
