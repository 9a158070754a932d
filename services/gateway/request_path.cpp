#include "request_path.hpp"

namespace phonebill::gateway {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes one segment; nullopt for a malformed escape or a forbidden character.
std::optional<std::string> decode_segment(std::string_view segment) {
  std::string decoded;
  decoded.reserve(segment.size());
  for (std::size_t i = 0; i < segment.size(); ++i) {
    char c = segment[i];
    if (c == '%') {
      if (i + 2 >= segment.size()) return std::nullopt;
      int high = hex_value(segment[i + 1]);
      int low = hex_value(segment[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      char value = char(high * 16 + low);
      // Encoded separators, dots and escapes are how traversal hides: refuse them.
      if (value == '/' || value == '\\' || value == '.' || value == '%') return std::nullopt;
      if (static_cast<unsigned char>(value) < 0x20 || value == 0x7f) return std::nullopt;
      decoded.push_back(value);
      i += 2;
      continue;
    }
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f ||
        c == '\\')
      return std::nullopt;
    decoded.push_back(c);
  }
  return decoded;
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
    if (!decode_segment(segment)) return false;
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
