// Forwards one request to an upstream (SPEC §4): breaker admission (open → 503
// SERVICE_UNAVAILABLE with Retry-After), instance choice, the route's timeout (→ 504
// UPSTREAM_TIMEOUT), one retry on another instance when no byte of the request reached an
// upstream or it is idempotent (by method or by its route), and passive health reporting. Entry
// point: forward.
#pragma once
#include <boost/asio/awaitable.hpp>

#include "gateway_metrics.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "upstream.hpp"

namespace phonebill::gateway {

struct ProxyOptions {
  bool tls = false;  // the client connection is HTTPS (X-Forwarded-Proto)
  // The route makes a repeat of this request harmless (route_table.hpp, Replay): it goes to
  // another instance even when the one that failed may have received it.
  bool replay_safe = false;
};

// The upstream's answer as it is (any status), or the gateway's 503/504 error. Sets
// request.upstream to the instance that answered. Never throws for network outcomes.
boost::asio::awaitable<http::Response> forward(Upstream& upstream, http::Request& request,
                                               GatewayMetrics& metrics, ProxyOptions options);

}  // namespace phonebill::gateway
