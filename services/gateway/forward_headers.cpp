// Which headers cross the gateway in each direction, and the X-Forwarded-* it adds.
#include "forward_headers.hpp"

#include <array>
#include <vector>

#include "core/same_text.hpp"
#include "http/trusted_proxies.hpp"

namespace phonebill::gateway {

// The names are told apart by their length first: a name meets at most two comparisons
// (a loop over the eleven names cost ~60 instructions a field, five fields an answer and
// two a request: issue 17 item 2).
bool is_hop_by_hop(std::string_view name) {
  switch (name.size()) {
    case 2:
      return is_exactly(name, "te");
    case 4:
      return is_exactly(name, "host");
    case 7:
      return is_exactly(name, "trailer") || is_exactly(name, "upgrade");
    case 10:
      return is_exactly(name, "connection") || is_exactly(name, "keep-alive");
    case 14:
      return is_exactly(name, "content-length");
    case 16:
      return is_exactly(name, "proxy-connection");
    case 17:
      return is_exactly(name, "transfer-encoding");
    case 18:
      return is_exactly(name, "proxy-authenticate");
    case 19:
      return is_exactly(name, "proxy-authorization");
    default:
      return false;
  }
}

bool is_identity_header(std::string_view name) {
  // Every one but two is an X- field: the client's other fields (Authorization, Accept,
  // ...) are through after three comparisons (issue 17 item 2: 420 instructions a field).
  if (is_exactly(name, "remote-user") || is_exactly(name, "forwarded")) return true;
  if (!name.starts_with("x-")) return false;
  static constexpr std::array<std::string_view, 9> kPrefixes{
      "x-user", "x-auth",    "x-customer", "x-line",    "x-permission",
      "x-role", "x-session", "x-gateway",  "x-internal"};
  for (auto prefix : kPrefixes)
    if (name.starts_with(prefix)) return true;
  return is_exactly(name, "x-remote-user") || is_exactly(name, "x-forwarded-user") ||
         is_exactly(name, "x-real-ip") || is_exactly(name, "x-original-url");
}

bool may_reach_client(std::string_view name) {
  // Content-Length stays for a HEAD answer (client_response decides, knowing the method).
  if (is_exactly(name, "content-length")) return true;
  // What the server writes itself: X-Request-Id, traceparent, Date, Server.
  switch (name.size()) {
    case 4:
      if (is_exactly(name, "date")) return false;
      break;
    case 6:
      if (is_exactly(name, "server")) return false;
      break;
    case 11:
      if (is_exactly(name, "traceparent")) return false;
      break;
    case 12:
      if (is_exactly(name, "x-request-id")) return false;
      break;
    default:
      break;
  }
  return !is_hop_by_hop(name);
}

http::ClientRequest upstream_request(const http::Request& request, bool tls,
                                     std::string_view traceparent) {
  if (traceparent.empty()) traceparent = request.traceparent;
  http::ClientRequest upstream;
  upstream.method = request.method;
  upstream.target = request.path;
  if (!request.query.empty()) upstream.target.append("?").append(request.query);
  if (!request.body.empty()) upstream.body = request.body;  // most requests have none
  // The answer's fields the client would drop are not copied at all, and its list has
  // room for what the gateway adds (Server-Timing, the two rate-limit headers, CORS).
  upstream.keep_response_header = may_reach_client;
  upstream.response_header_room = kGatewayResponseHeaders;
  // Every forwarded field goes into one string, sized once: no std::string per name and
  // value (a bearer token alone outgrows any guess, hence the sum). The client finishes
  // the request's head in it (the request line, Host, framing: the second line of
  // figures), so that needs no string of its own either.
  std::size_t size =
      128 + request.request_id.size() + traceparent.size() + request.remote_address.size();
  size += 192 + request.method.size() + request.path.size() + request.query.size();
  for (const auto& [name, value] : request.headers) size += name.size() + value.size() + 4;
  auto& lines = upstream.header_lines;
  lines.reserve(size);
  std::string_view host;
  bool forwarded_for = false;
  for (const auto& [name_text, value] : request.headers) {
    std::string_view name = name_text;  // compared as views: no strlen per literal
    if (is_exactly(name, "content-type")) {
      upstream.content_type = value;
      continue;
    }
    if (is_exactly(name, "x-forwarded-for")) {  // rebuilt below
      forwarded_for = true;
      continue;
    }
    if (is_exactly(name, "host")) host = value;
    if (is_hop_by_hop(name) || is_identity_header(name) || is_exactly(name, "x-request-id") ||
        is_exactly(name, "traceparent") || is_exactly(name, "x-forwarded-proto") ||
        is_exactly(name, "x-forwarded-host"))
      continue;
    // The client's own name and value: checked again, whole. Beast's parser refuses CR and
    // LF in both and check_request_head every control character in values, but this pure
    // function cannot know its request came through them (two memchr passes: ~150
    // instructions for a 400-character bearer token).
    http::append_header_line(lines, name, value);
  }
  // Names known when compiling (checked then); the values still pass the line-break check.
  http::append_known_header_line(lines, "x-request-id", request.request_id);
  http::append_known_header_line(lines, "traceparent", traceparent);
  // What the client claimed (every field; the server already dropped the trusted
  // proxies' entries, SPEC §4), then the client: upstreams read the rightmost entry.
  std::string chain;
  if (forwarded_for) {
    for (auto entry : http::forwarded_for_entries(request.headers)) {
      if (!chain.empty()) chain.append(", ");
      chain.append(entry);
    }
  }
  if (!request.remote_address.empty()) {
    if (!chain.empty()) chain.append(", ");
    chain.append(request.remote_address);
  }
  if (!chain.empty()) http::append_known_header_line(lines, "x-forwarded-for", chain);
  http::append_known_header_line(lines, "x-forwarded-proto", tls ? "https" : "http");
  if (!host.empty()) http::append_known_header_line(lines, "x-forwarded-host", host);
  return upstream;
}

http::Response client_response(http::ClientResponse&& upstream, std::string_view method) {
  // A HEAD answer's Content-Length frames nothing: it is the GET's length, which ours
  // must announce too (the server writes it instead of the empty body's size).
  bool head = is_exactly(method, "HEAD");
  // The upstream's list itself, filtered in place: the client already left out what
  // upstream_request's filter refused and gave it room for what the gateway adds after
  // (Server-Timing, the two rate-limit headers, CORS), so it never grows on the way out.
  auto headers = std::move(upstream.headers);
  if (headers.capacity() < headers.size() + kGatewayResponseHeaders)
    headers.reserve(headers.size() + kGatewayResponseHeaders);
  std::string content_type;
  bool typed = false;
  std::erase_if(headers, [&](auto& field) {
    auto& value = field.second;
    std::string_view name = field.first;  // compared as a view: no strlen per literal
    if (is_exactly(name, "content-type")) {
      if (!typed) content_type = std::move(value);
      typed = true;
      return true;
    }
    if (is_exactly(name, "content-length")) return !head;
    return !may_reach_client(name);
  });
  if (!typed) content_type = "application/octet-stream";
  // Every member given: Response's default content type (16 characters, a malloc) is
  // never built only to be replaced.
  return http::Response{upstream.status, std::move(content_type), std::move(upstream.body),
                        std::move(headers)};
}

}  // namespace phonebill::gateway
