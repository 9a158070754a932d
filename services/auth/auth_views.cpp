// auth's JSON answer shapes built from domain values (see auth_views.hpp).
#include "auth_views.hpp"

#include <algorithm>
#include <charconv>

#include "core/seoul_time.hpp"
#include "http/pagination.hpp"
#include "permissions.hpp"

namespace phonebill::auth {
namespace {

// Whole seconds from now until `at`, rounded (tokens carry whole-second times).
std::int64_t seconds_until(SystemTime at, SystemTime now) {
  auto left = std::chrono::round<std::chrono::seconds>(at - now).count();
  return std::max<std::int64_t>(left, 0);
}

}  // namespace

boost::json::object user_view(const UserRecord& user, SystemTime now) {
  boost::json::array permissions;
  for (const auto& permission : user.permissions) permissions.emplace_back(permission);
  boost::json::object view;
  view["userId"] = user.user_id;
  view["userName"] = user.user_name;
  view["customerId"] = user.customer_id;
  view["lineNumber"] = user.line_number;
  view["status"] = is_locked(user.attempts, now) ? "LOCKED" : "ACTIVE";
  if (user.last_login_at)
    view["lastLoginAt"] = iso8601_seoul(*user.last_login_at);
  else
    view["lastLoginAt"] = nullptr;
  view["permissions"] = std::move(permissions);
  return view;
}

boost::json::object tokens_view(const IssuedTokens& tokens, SystemTime now) {
  boost::json::object view;
  view["accessToken"] = tokens.access_token;
  view["refreshToken"] = tokens.refresh_token;
  view["tokenType"] = "Bearer";
  view["expiresIn"] = tokens.access_lifetime.count();
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
    view.push_back(boost::json::object{
        {"permission", info.name}, {"description", info.description}, {"granted", has}});
  }
  return view;
}

boost::json::object history_view(const LoginHistoryPage& page, const http::PageRequest& request) {
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
  return boost::json::object{{"items", std::move(items)},
                             {"page", http::page_info(request, page.total_items)}};
}

}  // namespace phonebill::auth
