// Readiness probes for services started by integration tests: plain blocking HTTP/1.1
// GETs on 127.0.0.1 (test code, outside any event loop). Entry point:
// ASSERT_TRUE(wait_for_http_ok(port, "/readyz", std::chrono::seconds{10})).
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace phonebill::test_support {

// One GET http://127.0.0.1:port/path with "Connection: close". The response's status
// code, or nullopt if nothing answered within `timeout` (refused, reset, garbage).
std::optional<int> http_get_status(std::uint16_t port, const std::string& path,
                                   std::chrono::milliseconds timeout = std::chrono::seconds{1});

// Polls every 50 ms until a GET answers 200 (true) or `timeout` passes (false).
bool wait_for_http_ok(std::uint16_t port, const std::string& path,
                      std::chrono::milliseconds timeout);

}  // namespace phonebill::test_support
