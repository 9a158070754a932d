// Request path checks and the static file a path names: see request_path.hpp.
#include "request_path.hpp"

#include "core/same_text.hpp"
#include "http/query_string.hpp"

namespace phonebill::gateway {
namespace {

int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads the segment that starts at `start` of `text` up to the next '/' (or the end) and
// returns where it stops; npos when it holds a byte other than printable ASCII, a '\',
// or an escape that is malformed or decodes to '/', '\', '%', '.', NUL or a control
// character. Checked in place, in one pass over the whole path (issue 17 item 2: a
// decoded copy of every segment of every request cost ~2,000 instructions); only
// static_relative_path needs the decoded text.
std::size_t canonical_segment_end(std::string_view text, std::size_t start) {
  for (std::size_t i = start; i < text.size(); ++i) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '/') return i;
    if (byte <= 0x20 || byte >= 0x7f || byte == '\\') return std::string_view::npos;
    if (byte != '%') continue;
    // An escape never reaches past the segment: '/' is no hex digit.
    if (i + 2 >= text.size()) return std::string_view::npos;
    int high = hex_digit_value(text[i + 1]);
    int low = hex_digit_value(text[i + 2]);
    if (high < 0 || low < 0) return std::string_view::npos;
    // Encoded separators, dots and escapes are how traversal hides: refuse them. A raw
    // '/' ends a segment, and a raw '\' or control was refused above, so these can only
    // come in encoded; an encoded '.' is refused where a plain one is not.
    auto decoded = static_cast<unsigned char>(high * 16 + low);
    if (decoded == '/' || decoded == '\\' || decoded == '%' || decoded == '.' || decoded < 0x20 ||
        decoded == 0x7f)
      return std::string_view::npos;
    i += 2;
  }
  return text.size();
}

// Decodes one segment (http::percent_decode); nullopt unless canonical_segment_end reads
// it whole.
std::optional<std::string> decode_segment(std::string_view segment) {
  if (canonical_segment_end(segment, 0) != segment.size()) return std::nullopt;
  return http::percent_decode(segment, false);
}

}  // namespace

bool is_canonical_path(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  if (is_exactly(path, "/")) return true;
  auto rest = path.substr(1);
  if (rest.back() == '/') rest.remove_suffix(1);
  std::size_t start = 0;
  while (start <= rest.size()) {
    auto end = canonical_segment_end(rest, start);
    if (end == std::string_view::npos) return false;
    auto segment = rest.substr(start, end - start);
    if (segment.empty() || is_exactly(segment, ".") || is_exactly(segment, "..")) return false;
    start = end + 1;
  }
  return true;
}

std::optional<std::string> static_relative_path(std::string_view path) {
  if (!is_canonical_path(path)) return std::nullopt;
  std::string relative;
  auto rest = path.substr(1);
  std::size_t start = 0;
  while (start < rest.size()) {
    auto end = rest.find('/', start);
    if (end == std::string_view::npos) end = rest.size();
    auto decoded = decode_segment(rest.substr(start, end - start));
    if (!decoded || decoded->empty() || decoded->front() == '.') return std::nullopt;
    if (!relative.empty()) relative.push_back('/');
    relative += *decoded;
    start = end + 1;
  }
  return relative;
}

}  // namespace phonebill::gateway
