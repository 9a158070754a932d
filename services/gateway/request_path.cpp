// Request path checks and the static file a path names: see request_path.hpp.
#include "request_path.hpp"

#include "http/query_string.hpp"

namespace phonebill::gateway {
namespace {

// Decodes one segment (http::percent_decode); nullopt for a malformed escape or a
// forbidden character.
std::optional<std::string> decode_segment(std::string_view segment) {
  for (char c : segment) {
    auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f || c == '\\') return std::nullopt;
  }
  auto decoded = http::percent_decode(segment, false);
  if (!decoded) return std::nullopt;
  // Encoded separators, dots and escapes are how traversal hides: refuse them. A raw '/'
  // cannot be in a segment, a raw '\' or control was refused above and a raw '%' always
  // starts an escape, so any of these in the decoded text was encoded; only an encoded
  // '.' needs the raw text to be told from a plain one.
  for (char c : *decoded) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '/' || c == '\\' || c == '%' || byte < 0x20 || byte == 0x7f) return std::nullopt;
  }
  if (segment.find("%2e") != std::string_view::npos ||
      segment.find("%2E") != std::string_view::npos)
    return std::nullopt;
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
