// The permission catalogue and its canonical order (see permissions.hpp).
#include "permissions.hpp"

#include <algorithm>

namespace phonebill::auth {

bool is_known_permission(std::string_view name) {
  return std::any_of(kPermissionCatalogue.begin(), kPermissionCatalogue.end(),
                     [&](const PermissionInfo& info) { return info.name == name; });
}

std::vector<std::string> canonical_permissions(const std::vector<std::string>& names) {
  std::vector<std::string> result;
  for (const auto& info : kPermissionCatalogue) {
    if (std::find(names.begin(), names.end(), info.name) != names.end())
      result.emplace_back(info.name);
  }
  return result;
}

}  // namespace phonebill::auth
