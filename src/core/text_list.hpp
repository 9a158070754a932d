// The one comma-list splitter: configuration lists (base URLs, CORS origins), header lists
// (Accept-Encoding) and stored lists (permissions) all read "a, b,,c" the same way.
// Entry point: split_list.
#pragma once
#include <string_view>
#include <vector>

namespace phonebill {

// The items of `text` separated by `separator`, each without the blanks (space, tab)
// around it; empty items are skipped ("a, ,b," is {"a", "b"}). The views point into
// `text`.
std::vector<std::string_view> split_list(std::string_view text, char separator = ',');

// `text` without the blanks (space, tab) at either end.
std::string_view trim_blanks(std::string_view text);

}  // namespace phonebill
