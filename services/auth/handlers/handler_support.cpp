// The helpers every auth handler shares: see handler_support.hpp.
#include "handler_support.hpp"

#include <arpa/inet.h>

#include "core/json.hpp"
#include "core/log.hpp"
#include "core/request_log.hpp"
#include "http/json_body.hpp"
#include "http/refusal.hpp"
#include "permissions.hpp"

namespace phonebill::auth {
namespace {

constexpr std::size_t kMaxUserAgentBytes = 512;

bool is_ip_address(const std::string& text) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, text.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

std::string trimmed(std::string_view text) {
  auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  auto last = text.find_last_not_of(" \t");
  return std::string{text.substr(first, last - first + 1)};
}

// Cuts at most `limit` bytes without splitting a UTF-8 sequence.
std::string truncated_utf8(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return std::string{text};
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string{text.substr(0, end)};
}

}  // namespace

Outcome<boost::json::value> read_json_body(const http::Request& request) {
  auto body = http::read_json_object(request);
  if (!body) return Failure{http::refusal_error(body.error(), http::body_answer)};
  return boost::json::value(std::move(*body));
}

Outcome<void> require_admin(const security::VerifiedToken& token, const http::Request& request) {
  if (token.has_permission(kAdmin)) return {};
  auto fields = log::request_log_fields(request.request_id, request.traceparent);
  fields["route"] = request.route;
  fields["userId"] = token.user_id;
  log::warn("admin_refused", std::move(fields));
  return Failure{http::common_error(http::CommonError::kForbidden)};
}

std::string client_ip(const http::Request& request) {
  auto forwarded = request.header("x-forwarded-for");
  if (!forwarded.empty()) {
    auto comma = forwarded.rfind(',');
    auto last = trimmed(comma == std::string_view::npos ? forwarded : forwarded.substr(comma + 1));
    if (is_ip_address(last)) return last;
  }
  return request.remote_address;
}

Caller caller_of(const security::VerifiedToken& token) {
  return Caller{token.user_id, token.session_id, token.token_id, token.expires_at};
}

ClientInfo client_info(const http::Request& request) {
  return ClientInfo{client_ip(request),
                    truncated_utf8(request.header("user-agent"), kMaxUserAgentBytes),
                    request.request_id, request.traceparent};
}

http::Response validation_failure(const http::Request& request, const FieldErrors& errors) {
  return http::error_response(request, http::validation_error(errors));
}

http::Response private_success(const boost::json::value& data, int status,
                               std::string_view message) {
  auto response = http::success_response(data, status, message);
  response.set_header("Cache-Control", "no-store");
  return response;
}

}  // namespace phonebill::auth
