// A stand-in for auth inside the test process: a fresh ES256 signing key, its JWKS served
// at GET /api/v1/auth/jwks on a loopback port (point PHONEBILL_UPSTREAM_AUTH at url()),
// and tokens signed with it the way auth signs them. For suites that test a service
// behind the gateway without running auth itself. Entry point: StandInAuth.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace phonebill::test_support {

class StandInAuth {
 public:
  StandInAuth();  // starts serving at once
  ~StandInAuth();
  StandInAuth(const StandInAuth&) = delete;
  StandInAuth& operator=(const StandInAuth&) = delete;

  std::uint16_t port() const;
  std::string url() const;  // http://127.0.0.1:<port>
  // A valid access token of `user` for `line` with `permissions` (a new session each).
  std::string sign(const std::string& user, const std::string& line,
                   std::vector<std::string> permissions) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace phonebill::test_support
