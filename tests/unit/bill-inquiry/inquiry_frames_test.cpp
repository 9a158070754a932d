// The coroutine frames of a cached inquiry (issue 17 item 3), counted in the allocation
// binary: from the route's handler down (handle_inquiry, BillService::inquire, the cache
// read, the history write), each frame stays within the 1,020 bytes Asio's per-thread
// frame cache keeps. A larger one is allocated and freed on every request, past glibc's
// tcache as well: handle_inquiry's was 1,168 bytes and inquire's 1,440.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "bill_service_fixture.hpp"
#include "routes.hpp"
#include "security_test_support.hpp"
#include "support/allocation_counter.hpp"

namespace phonebill::bill {
namespace {

using test_support::start_counting_allocations;
using test_support::stop_counting_allocations;

class InquiryFramesTest : public BillServiceTest {};

TEST_F(InquiryFramesTest, CachedInquiryAllocatesNoFrameOfAKilobyte) {
  security::testing::TokenFixture tokens;
  const auto bearer = "Bearer " + tokens.signer.sign(security::testing::sample_claims()).token;
  cache_.put(sample_bill(), clock_.now(), true);
  BillContext context{service_, tokens.verifier};
  auto routes = make_routes(context);
  auto ask = [&] {
    http::Request request;
    request.method = "POST";
    request.path = "/api/v1/bills/inquiry";
    request.body = "{}";
    request.headers.emplace_back("authorization", bearer);
    request.request_id = "http-req";
    request.deadline = std::chrono::steady_clock::now() + std::chrono::seconds{3};
    auto match = routes.match(request.method, request.path, request.path_parameters);
    if (match.handler == nullptr) return 0;
    return run((*match.handler)(request)).status;
  };
  ASSERT_EQ(ask(), 200);  // warms the caches

  constexpr int kInquiries = 20;
  start_counting_allocations();
  for (int i = 0; i < kInquiries; ++i) ASSERT_EQ(ask(), 200) << "inquiry " << i;
  auto count = stop_counting_allocations();

  std::printf("cached inquiry: %.2f frames of 1 KiB or more, %.2f aligned allocations\n",
              double(count.aligned_large) / kInquiries, double(count.aligned) / kInquiries);
  ASSERT_EQ(writer_.entries.size(), std::size_t(kInquiries + 1));  // every answer recorded
  // Before: two per inquiry (handle_inquiry's and inquire's frames).
  EXPECT_EQ(count.aligned_large, 0) << "coroutine frames of 1 KiB or more for " << kInquiries
                                    << " inquiries";
}

}  // namespace
}  // namespace phonebill::bill
