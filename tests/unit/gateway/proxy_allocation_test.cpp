// Allocations of the gateway's per-request steps (issue 17 item 2), counted with the
// replaced global operator new of tests/support/allocation_counter.cpp and OpenSSL's own
// allocator hooks (hence a binary of its own): the upstream request renders the forwarded
// headers into one string, and a cached token costs no hash context, digest or key copy.
#include <gtest/gtest.h>
#include <openssl/crypto.h>

#include <atomic>
#include <cstdlib>
#include <string>

#include "forward_headers.hpp"
#include "support/allocation_counter.hpp"
#include "unit/security/security_test_support.hpp"

namespace phonebill::gateway {
namespace {

// OpenSSL allocates with malloc, not operator new: its allocations are counted through
// CRYPTO_set_mem_functions, installed before OpenSSL's first allocation.
std::atomic<bool> counting_openssl{false};
std::atomic<long> openssl_allocations{0};

void* counted_malloc(std::size_t bytes, const char*, int) {
  if (counting_openssl.load(std::memory_order_relaxed)) ++openssl_allocations;
  return std::malloc(bytes);
}
void* counted_realloc(void* memory, std::size_t bytes, const char*, int) {
  if (counting_openssl.load(std::memory_order_relaxed)) ++openssl_allocations;
  return std::realloc(memory, bytes);
}
void counted_free(void* memory, const char*, int) { std::free(memory); }

const bool openssl_hooked = CRYPTO_set_mem_functions(counted_malloc, counted_realloc, counted_free);

// What wrk sends through the gateway in bench/gateway.sh, plus a browser's usual fields.
http::Request proxied_request() {
  http::Request request;
  request.method = "GET";
  request.path = "/api/v1/bills/menu";
  request.request_id = "0123456789abcdef0123456789abcdef";
  request.traceparent = "00-0123456789abcdef0123456789abcdef-0123456789abcdef-01";
  request.remote_address = "127.0.0.1";
  request.headers = {{"host", "127.0.0.1:8080"},
                     {"authorization", "Bearer " + std::string(300, 'a')},
                     {"user-agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"},
                     {"accept", "application/json"},
                     {"accept-language", "ko-KR,ko;q=0.9,en-US;q=0.8"}};
  return request;
}

TEST(ProxyAllocationTest, UpstreamRequestRendersItsHeadersInOneString) {
  const auto request = proxied_request();
  constexpr int kRequests = 20;
  test_support::start_counting_allocations();
  for (int i = 0; i < kRequests; ++i) {
    auto upstream = upstream_request(request, false);
    ASSERT_EQ(upstream.target, "/api/v1/bills/menu");
  }
  auto counted = test_support::stop_counting_allocations();
  double per_request = double(counted.all) / kRequests;
  std::printf("allocations per upstream request: %.1f\n", per_request);
  // Before: a std::string per forwarded value and long name, and the list (11). Now the
  // target, the default content type and the one string of header lines.
  EXPECT_LE(per_request, 3) << "operator new calls per upstream_request";
}

TEST(ProxyAllocationTest, CachedTokenCostsNoHashContextOrKeyCopy) {
  ASSERT_TRUE(openssl_hooked) << "OpenSSL allocated before the test could count";
  security::testing::TokenFixture fixture;
  const auto token = fixture.signer.sign(security::testing::sample_claims()).token;
  ASSERT_TRUE(fixture.verifier.verify(token));  // verified once, now cached
  ASSERT_TRUE(fixture.verifier.verify(token));  // this thread's hash context exists
  constexpr int kRequests = 20;
  openssl_allocations = 0;
  counting_openssl = true;
  test_support::start_counting_allocations();
  for (int i = 0; i < kRequests; ++i) {
    auto result = fixture.verifier.verify(token);
    ASSERT_TRUE(result);
    ASSERT_TRUE(result->has_permission("BILL_INQUIRY"));
  }
  auto counted = test_support::stop_counting_allocations();
  counting_openssl = false;
  double openssl_per_request = double(openssl_allocations.load()) / kRequests;
  double per_request = double(counted.all) / kRequests;
  std::printf("allocations per cached token check: %.1f (OpenSSL %.1f)\n", per_request,
              openssl_per_request);
  // Before: OpenSSL's one-shot SHA256() fetched the algorithm and allocated a context (3),
  // and the digest, the cache key and the revocation keys were strings (6 operator new).
  EXPECT_EQ(openssl_per_request, 0) << "OpenSSL allocations per cached token check";
  // What is left is the copy of the claims handed back: the permission list and the
  // claims longer than a string's inline buffer (here the jti and the kid).
  EXPECT_LE(per_request, 3) << "operator new calls per cached token check";
}

}  // namespace
}  // namespace phonebill::gateway
