#include "auth_views.hpp"

#include <algorithm>
#include <charconv>

#include "core/seoul_time.hpp"
#include "permissions.hpp"

namespace phonebill::auth {
namespace {

// Whole seconds from now until `at`, rounded (tokens carry whole-second times).
std::int64_t seconds_until(SystemTime at, SystemTime now) {
  auto left = std::chrono::round<std::chrono::seconds>(at - now).count();
  return std::max<std::int64_t>(left, 0);
}

std::optional<std::int64_t> parse_positive(const std::string& text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value < 1) return std::nullopt;
  return value;
}

}  // namespace

std::optional<PageRequest> parse_page_request(const std::optional<std::string>& page,
                                              const std::optional<std::string>& size,
                                              FieldErrors& errors) {
  PageRequest request;
  if (page) {
    auto number = parse_positive(*page);
    if (!number || *number > 1'000'000) errors.add("page", "must be a whole number from 1");
    else request.number = *number;
  }
  if (size) {
    auto count = parse_positive(*size);
    if (!count || *count > 100) errors.add("size", "must be a whole number from 1 to 100");
    else request.size = *count;
  }
  if (!errors.empty()) return std::nullopt;
  return request;
}

boost::json::object user_view(const UserRecord& user, SystemTime now) {
  boost::json::array permissions;
  for (const auto& permission : user.permissions) permissions.emplace_back(permission);
  boost::json::object view;
  view["userId"] = user.user_id;
  view["userName"] = user.user_name;
  view["customerId"] = user.customer_id;
  view["lineNumber"] = user.line_number;
  view["status"] = is_locked(user.attempts, now) ? "LOCKED" : "ACTIVE";
  if (user.last_login_at) view["lastLoginAt"] = iso8601_seoul(*user.last_login_at);
  else view["lastLoginAt"] = nullptr;
  view["permissions"] = std::move(permissions);
  return view;
}

boost::json::object tokens_view(const IssuedTokens& tokens, SystemTime now) {
  boost::json::object view;
  view["accessToken"] = tokens.access_token;
  view["refreshToken"] = tokens.refresh_token;
  view["tokenType"] = "Bearer";
  view["expiresIn"] = seconds_until(tokens.access_expires_at, now);
  view["refreshExpiresIn"] = seconds_until(tokens.refresh_expires_at, now);
  view["accessTokenExpiresAt"] = iso8601_seoul(tokens.access_expires_at);
  view["refreshTokenExpiresAt"] = iso8601_seoul(tokens.refresh_expires_at);
  return view;
}

boost::json::object login_view(const LoginResult& result, SystemTime now) {
  auto view = tokens_view(result.tokens, now);
  view["user"] = user_view(result.user, now);
  return view;
}

boost::json::array permissions_view(const std::vector<std::string>& granted) {
  boost::json::array view;
  for (const auto& info : kPermissionCatalogue) {
    bool has = std::find(granted.begin(), granted.end(), info.name) != granted.end();
    view.push_back(boost::json::object{{"permission", info.name},
                                       {"description", info.description},
                                       {"granted", has}});
  }
  return view;
}

boost::json::object history_view(const LoginHistoryPage& page, const PageRequest& request) {
  boost::json::array items;
  for (const auto& entry : page.items) {
    items.push_back(boost::json::object{
        {"attemptedAt", iso8601_seoul(entry.attempted_at)},
        {"userId", entry.user_id},
        {"clientIp", entry.client_ip},
        {"userAgent", entry.user_agent},
        {"result", entry.reason == LoginReason::kSuccess ? "SUCCESS" : "FAILURE"},
        {"reason", to_string(entry.reason)}});
  }
  std::int64_t total_pages = (page.total_items + request.size - 1) / request.size;
  boost::json::object info{{"number", request.number},
                           {"size", request.size},
                           {"totalItems", page.total_items},
                           {"totalPages", total_pages},
                           {"hasNext", request.number < total_pages},
                           {"hasPrevious", request.number > 1}};
  return boost::json::object{{"items", std::move(items)}, {"page", std::move(info)}};
}

}  // namespace phonebill::auth
