// Query-string parsing: '&' pairs, '+' as space, %XX decoded (see query_string.hpp).
#include "http/query_string.hpp"

#include "core/utf8.hpp"

namespace phonebill::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Calls visit(name, value) with the raw (still encoded) text of each '&'-separated pair;
// stops early when visit returns false.
template <typename Visit>
void for_each_pair(std::string_view query, Visit visit) {
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;  // "a=1&&b=2"
    auto equals = pair.find('=');
    auto name = pair.substr(0, equals);
    auto value = equals == std::string_view::npos ? std::string_view{} : pair.substr(equals + 1);
    if (!visit(name, value)) return;
  }
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int high = hex_value(text[i + 1]);
      int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      decoded.push_back(char(high * 16 + low));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      decoded.push_back(' ');
    } else {
      decoded.push_back(c);
    }
  }
  return decoded;
}

std::optional<std::string> query_string_problem(std::string_view query) {
  std::optional<std::string> problem;
  for_each_pair(query, [&](std::string_view name, std::string_view value) {
    for (auto part : {name, value}) {
      auto decoded = percent_decode(part, true);
      if (!decoded)
        problem = "malformed percent-encoding";
      else if (has_control_character(*decoded))
        problem = "control character";
      else if (!is_valid_utf8(*decoded))
        problem = "not valid UTF-8 once decoded";
      if (problem) return false;
    }
    return true;
  });
  // Raw control characters between pairs ("a=1&\x01") are caught here too.
  if (!problem && has_control_character(query)) problem = "control character";
  return problem;
}

std::optional<std::string> find_query_parameter(std::string_view query, std::string_view name) {
  std::optional<std::string> found;
  for_each_pair(query, [&](std::string_view raw_name, std::string_view raw_value) {
    auto decoded_name = percent_decode(raw_name, true);
    if (!decoded_name || *decoded_name != name) return true;
    auto decoded_value = percent_decode(raw_value, true);
    found = decoded_value ? std::move(*decoded_value) : std::string{raw_value};
    return false;
  });
  return found;
}

}  // namespace phonebill::http
