// A JSON string value appended to text (see json_text.hpp).
#include "core/json_text.hpp"

#include <cstdint>
#include <cstring>

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

// Whether any of the 8 bytes in `word` is a quote, a backslash or a control: the classic
// "has a zero byte" and "has a byte less than n" tests (exact as a yes/no; bytes of 0x80
// and above, UTF-8, never match).
bool word_needs_escape(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101, kHighs = 0x8080808080808080;
  const auto has_zero = [](std::uint64_t bytes) { return (bytes - kOnes) & ~bytes & kHighs; };
  return ((word - kOnes * 0x20) & ~word & kHighs) | has_zero(word ^ (kOnes * '"')) |
         has_zero(word ^ (kOnes * '\\'));
}

// Where the first byte to escape may be: a multiple of 8 at or before it (the whole size
// when there is none). Eight bytes a test instead of one: the access log's values (ids,
// routes, addresses, the user agent) almost never hold one (issue 17 item 2).
std::size_t plain_prefix(std::string_view value) {
  std::size_t at = 0;
  for (; at + 8 <= value.size(); at += 8) {
    std::uint64_t word;
    std::memcpy(&word, value.data() + at, 8);
    if (word_needs_escape(word)) return at;
  }
  if (at == value.size()) return at;
  // The tail padded with spaces, which need no escape.
  std::uint64_t word = 0x2020202020202020;
  std::memcpy(&word, value.data() + at, value.size() - at);
  return word_needs_escape(word) ? at : value.size();
}

}  // namespace

// The bytes between escapes are appended a run at a time, not pushed one by one: the
// values are mostly hex and ids with nothing to escape (it was bill-inquiry's largest
// own symbol after session 10, 2 % of its samples, most of it in push_back). A value
// with nothing to escape (the common case) is found so eight bytes at a time and
// appended with its quotes in one go.
void append_json_string(std::string& out, std::string_view value) {
  const std::size_t plain = plain_prefix(value);
  if (plain == value.size()) {
    const std::size_t start = out.size();
    out.resize(start + value.size() + 2);
    char* at = out.data() + start;
    *at = '"';
    if (!value.empty()) std::memcpy(at + 1, value.data(), value.size());
    at[value.size() + 1] = '"';
    return;
  }
  out.push_back('"');
  std::size_t run = 0;
  for (std::size_t i = plain; i < value.size(); ++i) {
    if (!must_escape(static_cast<unsigned char>(value[i]))) continue;
    out.append(value.data() + run, i - run);
    append_escaped(out, value[i]);
    run = i + 1;
  }
  out.append(value.data() + run, value.size() - run);
  out.push_back('"');
}

}  // namespace phonebill
