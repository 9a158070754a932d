// parse_base_url and friends: Boost.URL does the RFC 3986 work, this file the rules.
#include "core/base_url.hpp"

#include <boost/url/parse.hpp>

#include <cctype>
#include <charconv>

#include "core/config.hpp"
#include "core/text_list.hpp"

namespace phonebill {
namespace {

class BaseUrlCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "phonebill.base_url"; }
  std::string message(int value) const override {
    switch (static_cast<BaseUrlError>(value)) {
      case BaseUrlError::kMalformed:
        return "is not an absolute URL";
      case BaseUrlError::kWrongScheme:
        return "has another scheme than the one expected";
      case BaseUrlError::kNoHost:
        return "has no host";
      case BaseUrlError::kBadPort:
        return "has a port that is not a number in 1..65535";
      case BaseUrlError::kUnexpectedPart:
        return "has a query or fragment";
      case BaseUrlError::kPathNotAllowed:
        return "has a path (only scheme://host[:port] is allowed)";
      case BaseUrlError::kUserinfoNotAllowed:
        return "has user information (user:password@)";
    }
    return "is not a base URL";
  }
};

}  // namespace

const boost::system::error_category& base_url_category() {
  static const BaseUrlCategory category;
  return category;
}

boost::system::error_code make_error_code(BaseUrlError error) {
  return {static_cast<int>(error), base_url_category()};
}

std::string authority(std::string_view host, std::uint16_t port) {
  std::string text;
  bool ipv6 = host.find(':') != std::string_view::npos;
  if (ipv6) text.push_back('[');
  text.append(host);
  if (ipv6) text.push_back(']');
  text.push_back(':');
  text.append(std::to_string(port));
  return text;
}

std::string BaseUrl::authority() const { return phonebill::authority(host, port); }

boost::system::result<BaseUrl> parse_base_url(std::string_view text, const BaseUrlRules& rules) {
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return BaseUrlError::kMalformed;
  const auto& uri = *parsed;
  // scheme() is compared case-insensitively: RFC 3986 §3.1.
  std::string scheme{uri.scheme()};
  for (auto& c : scheme) c = char(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != rules.scheme) return BaseUrlError::kWrongScheme;
  if (!uri.has_authority() || uri.host_type() == boost::urls::host_type::ipvfuture)
    return BaseUrlError::kNoHost;
  if (uri.has_query() || uri.has_fragment()) return BaseUrlError::kUnexpectedPart;
  if (uri.has_userinfo() && !rules.allow_userinfo) return BaseUrlError::kUserinfoNotAllowed;

  BaseUrl url;
  url.scheme = std::move(scheme);
  url.host = uri.host_address();  // IPv6 without brackets, a name percent-decoded
  if (url.host.empty()) return BaseUrlError::kNoHost;
  url.port = rules.default_port;
  if (uri.has_port()) {
    auto digits = uri.port();
    unsigned port = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (digits.empty() || error != std::errc{} || end != digits.data() + digits.size() ||
        port == 0 || port > 65535)
      return BaseUrlError::kBadPort;
    url.port = std::uint16_t(port);
  }
  url.path = std::string{uri.encoded_path()};
  while (!url.path.empty() && url.path.back() == '/') url.path.pop_back();
  if (!url.path.empty() && !rules.allow_path) return BaseUrlError::kPathNotAllowed;
  if (uri.has_userinfo()) {
    url.user = uri.user();
    url.password = uri.password();
  }
  return url;
}

std::vector<BaseUrl> parse_base_url_list(const std::string& variable, std::string_view text,
                                         const BaseUrlRules& rules) {
  std::vector<BaseUrl> urls;
  int position = 0;
  for (auto item : split_list(text)) {
    ++position;
    auto url = parse_base_url(item, rules);
    if (!url) {
      // The item is quoted only when it cannot carry a password.
      bool may_hold_secret = rules.allow_userinfo || item.find('@') != std::string_view::npos;
      std::string shown = may_hold_secret ? std::string{"URL"} : "'" + std::string{item} + "'";
      throw ConfigError{variable + ": " + shown + " (item " + std::to_string(position) + ") " +
                        url.error().message() + "; expected " + std::string{rules.scheme} +
                        "://host[:port]" + (rules.allow_path ? "[/path]" : "")};
    }
    urls.push_back(std::move(*url));
  }
  if (urls.empty()) throw ConfigError{variable + " lists no URL"};
  return urls;
}

}  // namespace phonebill
