// The JSON shapes auth answers with (SPEC §2 camelCase, ISO-8601 Seoul times), built
// from domain values so handlers stay thin and the shapes are unit-testable.
// Entry points: user_view, tokens_view, login_view, permissions_view, history_view.
#pragma once
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "auth_service.hpp"
#include "http/pagination.hpp"

namespace phonebill::auth {

// 1-based page of `size` items (SPEC §2 pagination).

// {userId, userName, customerId, lineNumber, status (ACTIVE|LOCKED), lastLoginAt, permissions}
boost::json::object user_view(const UserRecord& user, SystemTime now);
// {accessToken, refreshToken, tokenType, expiresIn, refreshExpiresIn, accessTokenExpiresAt,
//  refreshTokenExpiresAt}; expiresIn is the configured lifetime, refreshExpiresIn the
//  seconds from `now` until the session ends unless refreshed.
boost::json::object tokens_view(const IssuedTokens& tokens, SystemTime now);
// tokens_view plus "user".
boost::json::object login_view(const LoginResult& result, SystemTime now);
// [{permission, description, granted}] over the whole catalogue.
boost::json::array permissions_view(const std::vector<std::string>& granted);
// {items: [{attemptedAt, userId, clientIp, userAgent, result, reason}], page: {...}}
boost::json::object history_view(const LoginHistoryPage& page, const http::PageRequest& request);

}  // namespace phonebill::auth
