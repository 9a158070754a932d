// A JSON string value appended to text (see json_text.hpp).
#include "core/json_text.hpp"

#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

#if defined(__SSE2__)
// Whether any of the 16 bytes at `bytes` is a quote, a backslash or a control (SSE2, every
// x86-64 has it): ~10 instructions where two words' tests are ~30.
bool block_needs_escape(const char* bytes) {
  const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes));
  const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(block, _mm_set1_epi8(0x1f)), block);
  const __m128i quote = _mm_cmpeq_epi8(block, _mm_set1_epi8('"'));
  const __m128i backslash = _mm_cmpeq_epi8(block, _mm_set1_epi8('\\'));
  return _mm_movemask_epi8(_mm_or_si128(control, _mm_or_si128(quote, backslash))) != 0;
}
#endif

// Where the first byte to escape may be: at or before it (0, or a multiple of the block
// scanned), or the whole size when there is none. Eight or sixteen bytes a test instead of
// one: the access log's values (ids, routes, addresses, the user agent) almost never hold
// one (issue 17 item 2: the 8-byte words were still ~85 instructions a value, nine values
// a line). The tail is the last block read again (overlapping the one before, harmless for
// a yes/no), a value under 8 bytes is scanned byte by byte: no variable-length copy (a
// memcpy call a value).
std::size_t plain_prefix(std::string_view value) {
  const std::size_t size = value.size();
  const char* bytes = value.data();
  if (size < 8) {
    for (std::size_t at = 0; at < size; ++at)
      if (must_escape(static_cast<unsigned char>(bytes[at]))) return 0;
    return size;
  }
  std::size_t at = 0;
#if defined(__SSE2__)
  if (size >= 16) {
    for (; at + 16 <= size; at += 16)
      if (block_needs_escape(bytes + at)) return at;
    if (at == size) return at;
    return block_needs_escape(bytes + size - 16) ? at : size;
  }
#endif
  std::uint64_t word;
  for (; at + 8 <= size; at += 8) {
    std::memcpy(&word, bytes + at, 8);
    if (word_needs_escape(word)) return at;
  }
  if (at == size) return at;
  std::memcpy(&word, bytes + size - 8, 8);
  return word_needs_escape(word) ? at : size;
}

// A plain value this long or shorter, with its quotes, is appended from one copy.
constexpr std::size_t kQuotedRoom = 256;

}  // namespace

// The bytes between escapes are appended a run at a time, not pushed one by one: the
// values are mostly hex and ids with nothing to escape (it was bill-inquiry's largest
// own symbol after session 10, 2 % of its samples, most of it in push_back). A value
// with nothing to escape (the common case) is found so eight bytes at a time and
// appended with its quotes in one go.
bool is_plain_json_string(std::string_view value) { return plain_prefix(value) == value.size(); }

void append_json_string(std::string& out, std::string_view value) {
  const std::size_t plain = plain_prefix(value);
  if (plain == value.size()) {
    // One append from a copy on the stack, not a resize (which fills the bytes the value
    // then overwrites: ~60 instructions a value, nine an access line, issue 17 item 2).
    char quoted[kQuotedRoom];
    if (value.size() + 2 > sizeof quoted) {
      out.push_back('"');
      out.append(value).push_back('"');
      return;
    }
    quoted[0] = '"';
    if (!value.empty()) std::memcpy(quoted + 1, value.data(), value.size());
    quoted[value.size() + 1] = '"';
    out.append(quoted, value.size() + 2);
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
