// The lower-cased names of the header fields Beast knows, from a table built once: the
// parsers' field callbacks get the field's enum, looked up by Beast already, and need not
// lower-case its name a character at a time. Entry point: lowercase_field_name.
#pragma once

#include <boost/beast/http/field.hpp>

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "http/request.hpp"

namespace phonebill::http {

// The lower-cased name of `known` (Beast's own spelling, which string_to_field matched
// without regard to case, so the same letters as the field's name in the message); empty
// for field::unknown or a value past Beast's table.
inline std::string_view lowercase_field_name(boost::beast::http::field known) {
  using boost::beast::http::field;
  static constexpr std::size_t kCount = static_cast<std::size_t>(field::xref) + 1;
  struct Table {
    std::string text;
    std::array<std::string_view, kCount> names;
    Table() {
      std::array<std::size_t, kCount + 1> starts{};
      for (std::size_t i = 1; i < kCount; ++i) {
        starts[i] = text.size();
        for (char c : boost::beast::http::to_string(static_cast<field>(i)))
          text.push_back(lower_ascii(c));
      }
      starts[kCount] = text.size();
      for (std::size_t i = 1; i < kCount; ++i)
        names[i] = std::string_view{text}.substr(starts[i], starts[i + 1] - starts[i]);
    }
  };
  static const Table table;
  auto index = static_cast<std::size_t>(known);
  return index < kCount ? table.names[index] : std::string_view{};
}

}  // namespace phonebill::http
