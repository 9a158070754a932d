// Request path checks and the static file a path names: see request_path.hpp.
#include "request_path.hpp"

#include "http/query_string.hpp"

namespace phonebill::gateway {
namespace {

int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Whether a segment holds only printable ASCII other than '\' and well-formed escapes
// that decode to none of '/', '\', '%', '.', NUL or a control character. Checked in place
// (issue 17 item 2: a decoded copy of every segment of every request cost ~2,000
// instructions); only static_relative_path needs the decoded text.
bool is_canonical_segment(std::string_view segment) {
  for (std::size_t i = 0; i < segment.size(); ++i) {
    auto byte = static_cast<unsigned char>(segment[i]);
    if (byte <= 0x20 || byte >= 0x7f || byte == '\\') return false;
    if (byte != '%') continue;
    if (i + 2 >= segment.size()) return false;
    int high = hex_digit_value(segment[i + 1]);
    int low = hex_digit_value(segment[i + 2]);
    if (high < 0 || low < 0) return false;
    // Encoded separators, dots and escapes are how traversal hides: refuse them. A raw
    // '/' cannot be in a segment, and a raw '\' or control was refused above, so these
    // can only come in encoded; an encoded '.' is refused where a plain one is not.
    auto decoded = static_cast<unsigned char>(high * 16 + low);
    if (decoded == '/' || decoded == '\\' || decoded == '%' || decoded == '.' || decoded < 0x20 ||
        decoded == 0x7f)
      return false;
    i += 2;
  }
  return true;
}

// Decodes one segment (http::percent_decode); nullopt unless is_canonical_segment.
std::optional<std::string> decode_segment(std::string_view segment) {
  if (!is_canonical_segment(segment)) return std::nullopt;
  return http::percent_decode(segment, false);
}

}  // namespace

bool is_canonical_path(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  if (path == "/") return true;
  auto rest = path.substr(1);
  if (rest.back() == '/') rest.remove_suffix(1);
  std::size_t start = 0;
  while (start <= rest.size()) {
    auto end = rest.find('/', start);
    if (end == std::string_view::npos) end = rest.size();
    auto segment = rest.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    if (!is_canonical_segment(segment)) return false;
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
