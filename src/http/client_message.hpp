// What an HttpClient sends and gets back, and its pool settings: plain structs apart from
// the client, so code that only builds or reads client messages includes no Asio.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/header_line.hpp"
#include "http/request.hpp"

namespace phonebill::http {

struct ClientOptions {
  std::string host = "127.0.0.1";  // a name or an address; IPv6 without brackets
  std::uint16_t port = 80;
  std::size_t max_idle_connections = 64;
  std::size_t response_body_limit = 8 * 1024 * 1024;
  // A pooled connection idle longer than this is closed instead of reused: it must stay
  // below the servers' keep-alive idle timeout (PHONEBILL_IDLE_TIMEOUT_MS, 60 s), or a
  // burst leaves hundreds of connections that the server closes all at once later.
  std::chrono::milliseconds max_idle_time{15'000};
};

// GET, HEAD, PUT, DELETE, OPTIONS, TRACE (RFC 9110 §9.2.2): the effect of sending twice
// is the effect of sending once.
bool is_idempotent_method(std::string_view method);

struct ClientRequest {
  std::string method = "GET";
  std::string target = "/";
  std::string body;
  // Empty: application/json (a default of 16 characters would be a malloc per request:
  // std::string keeps at most 15 in place).
  std::string content_type;
  HeaderList headers;
  // More header fields, already rendered by append_header_line and written after
  // `headers`: a proxy forwards a whole set in one string instead of a std::string per
  // name and per value (issue 17: those were a fifth of the gateway's mallocs).
  std::string header_lines;
  // A proxy's choice of the answer's header fields: those `keep_response_header` refuses
  // (given the lower-case name) are not copied into ClientResponse::headers, and the list
  // gets room for `response_header_room` more that the caller will add (issue 17: each
  // copied value and each regrowth of the list was a malloc). nullptr: every field.
  bool (*keep_response_header)(std::string_view lowercase_name) = nullptr;
  std::size_t response_header_room = 0;
  // Unset: decided by the method. Set to true when the receiver makes a repeat harmless
  // (KOS is idempotent on requestId); only such a request is written again on a fresh
  // connection after a pooled one failed once bytes of it had gone out.
  std::optional<bool> idempotent;
  bool is_idempotent() const { return idempotent.value_or(is_idempotent_method(method)); }
};

struct ClientResponse {
  int status = 0;
  std::string body;
  HeaderList headers;  // names lower-cased
  std::string_view header(std::string_view lowercase_name) const;
};

}  // namespace phonebill::http
