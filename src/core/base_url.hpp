// The base URLs of what a service talks to (PHONEBILL_UPSTREAM_*, PHONEBILL_REDIS_URL),
// parsed in one place by Boost.URL (RFC 3986: IPv6 literals, percent-encoding, userinfo)
// rather than split by hand at every use. Entry points: parse_base_url,
// parse_base_url_list, and authority() for writing host and port back (Host header,
// labels) with IPv6 in brackets.
#pragma once
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace phonebill {

// Why a text is not a base URL. The messages never quote the text: it may hold a password.
enum class BaseUrlError {
  kMalformed = 1,       // not an absolute URI at all
  kWrongScheme,         // another scheme than the one expected
  kNoHost,              // no authority, or an empty host
  kBadPort,             // empty, not a number, or outside 1..65535
  kUnexpectedPart,      // a query or a fragment
  kPathNotAllowed,      // a path where only scheme://host[:port] is allowed
  kUserinfoNotAllowed,  // user:password@ where none is expected
};
const boost::system::error_category& base_url_category();
boost::system::error_code make_error_code(BaseUrlError error);

struct BaseUrl {
  std::string scheme;      // lower-case, as expected
  std::string host;        // a name, an IPv4 address, or an IPv6 address without brackets
  std::uint16_t port = 0;  // the written port, else the default given to the parser
  std::string path;        // as written (percent-encoded), without trailing '/': "" or "/prefix"
  std::string user;        // percent-decoded; empty when absent
  std::string password;    // percent-decoded; empty when absent

  // "host:port", an IPv6 host in brackets ("[::1]:8081").
  std::string authority() const;
};

// "host:port" for any host, an IPv6 one in brackets.
std::string authority(std::string_view host, std::uint16_t port);

// What a caller accepts beyond scheme://host[:port].
struct BaseUrlRules {
  std::string_view scheme = "http";
  std::uint16_t default_port = 80;
  bool allow_path = false;
  bool allow_userinfo = false;
};

// Parses one base URL ("http://[::1]:8081", "redis://:secret@cache:6379/2").
boost::system::result<BaseUrl> parse_base_url(std::string_view text,
                                              const BaseUrlRules& rules = {});

// A comma-separated list (blanks around commas allowed, empty items skipped), each item by
// parse_base_url. Throws ConfigError naming `variable` and the item's position, and the
// reason; an empty list is an error too.
std::vector<BaseUrl> parse_base_url_list(const std::string& variable, std::string_view text,
                                         const BaseUrlRules& rules = {});

}  // namespace phonebill

namespace boost::system {
template <>
struct is_error_code_enum<phonebill::BaseUrlError> : std::true_type {};
}  // namespace boost::system
