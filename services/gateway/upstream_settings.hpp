// What the gateway knows of each upstream before it connects: the instances' addresses,
// the per-request timeout, and the health-check and ejection policy (SPEC §4). Plain
// settings beside the Upstream and HealthChecker that use them; no Asio. Entry point:
// parse_instance_list.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/base_url.hpp"

namespace phonebill::gateway {

// host:port of one upstream instance, parsed from a base URL "http://host[:port]".
struct InstanceAddress {
  std::string host;  // an IPv6 address without brackets
  std::uint16_t port = 80;
  std::string label() const { return authority(host, port); }  // "[::1]:8081" for IPv6
  bool operator==(const InstanceAddress&) const = default;
};

// Parses a comma-separated list of http:// base URLs (blanks allowed around commas;
// IPv6 literals in brackets). Throws ConfigError naming `variable` for anything else
// (https, paths, bad ports).
std::vector<InstanceAddress> parse_instance_list(const std::string& variable,
                                                 const std::string& text);

struct UpstreamSettings {
  std::string name;  // "auth", "bill-inquiry", "product-change"
  std::vector<InstanceAddress> instances;
  std::chrono::milliseconds timeout{10'000};  // per request, → 504 UPSTREAM_TIMEOUT
};

struct HealthSettings {
  std::chrono::milliseconds interval{2'000};  // active /readyz checks
  std::chrono::milliseconds timeout{1'000};
  int failures_to_mark_down = 2;      // consecutive failed checks
  int passive_failures_to_eject = 3;  // consecutive failed requests
  std::chrono::milliseconds ejection_time{5'000};
  std::size_t max_idle_connections = 1024;  // keep-alive pool per instance
};

}  // namespace phonebill::gateway
