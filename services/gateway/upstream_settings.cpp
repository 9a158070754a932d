// parse_instance_list: upstream instances from a base-URL list (see upstream_settings.hpp).
#include "upstream_settings.hpp"

namespace phonebill::gateway {

std::vector<InstanceAddress> parse_instance_list(const std::string& variable,
                                                 const std::string& text) {
  std::vector<InstanceAddress> instances;
  for (auto& url : parse_base_url_list(variable, text))
    instances.push_back(InstanceAddress{std::move(url.host), url.port});
  return instances;
}

}  // namespace phonebill::gateway
