// What crosses the gateway in each direction (SPEC §4). Towards an upstream: the
// client's end-to-end headers minus hop-by-hop ones and minus identity headers a client
// could use to impersonate someone (X-User-*, X-Auth-*, ...), plus our X-Request-Id,
// traceparent, X-Forwarded-For (the client's list with the client appended, without the
// trusted proxies' entries),
// X-Forwarded-Proto and X-Forwarded-Host. Back to the client: the upstream's headers
// minus hop-by-hop ones and those the server writes itself. Pure functions.
#pragma once
#include <cstddef>
#include <string_view>

#include "http/client_message.hpp"
#include "http/request.hpp"
#include "http/response.hpp"

namespace phonebill::gateway {

// Connection-scoped headers (RFC 9110 §7.6.1) and the framing ones we recompute.
bool is_hop_by_hop(std::string_view lowercase_name);
// Headers that assert an identity or a decision only the gateway or auth may make.
bool is_identity_header(std::string_view lowercase_name);

// The headers the gateway may add to a proxied answer after client_response: the list
// is made with room for them.
inline constexpr std::size_t kGatewayResponseHeaders = 6;

// Whether an upstream answer's field (lower-case name) may go back to the client: not a
// hop-by-hop one (Content-Length aside: a HEAD answer keeps it), nor one the server
// writes itself. Given to the client (ClientRequest::keep_response_header), so refused
// fields are never copied.
bool may_reach_client(std::string_view lowercase_name);

// The upstream request for `request` (method, target with query, body, headers; the
// headers rendered into header_lines, one string for all of them).
// `tls`: the client spoke HTTPS (X-Forwarded-Proto). `traceparent`: the one the upstream
// sees (the attempt's span); empty: request.traceparent.
http::ClientRequest upstream_request(const http::Request& request, bool tls,
                                     std::string_view traceparent = {});

// Copies status, content type, body and the passable headers of `upstream` into a
// Response (moving the body). For the answer to a HEAD (`method`), which has no body,
// the upstream's Content-Length is kept: the server announces it (see server.cpp).
http::Response client_response(http::ClientResponse&& upstream, std::string_view method);

}  // namespace phonebill::gateway
