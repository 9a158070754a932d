// split_list and trim_blanks: the one comma-list splitter (see text_list.hpp).
#include "core/text_list.hpp"

namespace phonebill {

std::string_view trim_blanks(std::string_view text) {
  auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

std::vector<std::string_view> split_list(std::string_view text, char separator) {
  std::vector<std::string_view> items;
  while (true) {
    auto end = text.find(separator);
    auto item = trim_blanks(text.substr(0, end));
    if (!item.empty()) items.push_back(item);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return items;
}

}  // namespace phonebill
