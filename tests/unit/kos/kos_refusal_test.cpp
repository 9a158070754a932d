// The one mapping from a KOS call without a business answer to a domain status.
#include <gtest/gtest.h>

#include "kos/kos_refusal.hpp"

namespace phonebill::kos {
namespace {

enum class SampleStatus { kKosTimeout, kKosUnavailable, kInternal };

Refusal<SampleStatus> refusal_for(KosFailureKind kind, std::chrono::milliseconds retry = {}) {
  return kos_refusal<SampleStatus>(KosFailure{kind, "detail", retry});
}

TEST(KosRefusal, TimeoutIsKosTimeout) {
  EXPECT_EQ(refusal_for(KosFailureKind::kTimeout).status, SampleStatus::kKosTimeout);
}

TEST(KosRefusal, OpenCircuitIsUnavailableWithItsWindowRoundedUp) {
  auto refusal = refusal_for(KosFailureKind::kCircuitOpen, std::chrono::milliseconds{4'200});
  EXPECT_EQ(refusal.status, SampleStatus::kKosUnavailable);
  ASSERT_TRUE(refusal.retry_after);
  EXPECT_EQ(refusal.retry_after->count(), 5);
}

TEST(KosRefusal, RejectedRequestIsOurOwnInternalError) {
  EXPECT_EQ(refusal_for(KosFailureKind::kRejected).status, SampleStatus::kInternal);
}

TEST(KosRefusal, TransportSystemErrorAndFullBulkheadAreUnavailableWithoutEstimate) {
  for (auto kind :
       {KosFailureKind::kTransport, KosFailureKind::kSystemError, KosFailureKind::kBulkheadFull}) {
    auto refusal = refusal_for(kind);
    EXPECT_EQ(refusal.status, SampleStatus::kKosUnavailable);
    EXPECT_FALSE(refusal.retry_after);
  }
}

}  // namespace
}  // namespace phonebill::kos
