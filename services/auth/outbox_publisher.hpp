// The side that carries committed revocations from the outbox to every verifier, as the
// session revoker sees it: a doorbell. RevocationPublisher is the Redis one; unit tests
// use a fake that records when it was rung. Entry point: OutboxPublisher::wake.
#pragma once

namespace phonebill::auth {

class OutboxPublisher {
 public:
  virtual ~OutboxPublisher() = default;
  // Revocations were just committed to the outbox: publish them now. Any thread.
  virtual void wake() = 0;
};

}  // namespace phonebill::auth
