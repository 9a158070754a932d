// Where KOS is (host, port) and how many idle connections to keep; apart from the
// transport so configuration headers include no Asio.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace phonebill::kos {

struct HttpKosOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8084;
  std::size_t max_idle_connections = 256;

  // From a base URL "http://host[:port]" (the first of a comma-separated list, as
  // PHONEBILL_UPSTREAM_KOS_SIM holds it; IPv6 as "http://[::1]:8084"), by
  // parse_base_url_list. Throws ConfigError for anything else.
  static HttpKosOptions from_base_url(const std::string& urls);
};

}  // namespace phonebill::kos
