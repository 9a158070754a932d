// The revocation outbox (table revocations, db/auth/002_revocation_outbox.sql). Rows are
// written by SessionStore in the same statement that ends a session; this store is the
// publishing side: claim the unpublished rows under row locks and mark the ones Redis
// took, page through every live row when Redis lost its data, delete expired rows.
// The role (an interface: PgRevocationStore is the database, tests use a fake).
#pragma once
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "security/revocation_set.hpp"
#include "store_support.hpp"

namespace phonebill::auth {

// One revocation: every token with this jti (kToken) or sid (kSession) is rejected
// until `until`.
struct Revocation {
  security::RevocationKind kind = security::RevocationKind::kSession;
  std::string id;
  SystemTime until;
};

// Hands one revocation to Redis; true once Redis has it.
using PublishRevocation = std::function<boost::asio::awaitable<bool>(const Revocation&)>;

struct ClaimedBatch {
  std::size_t claimed = 0;    // unpublished rows taken (at most the limit)
  std::size_t published = 0;  // of which `publish` accepted (and are now marked)
};

class RevocationStore {
 public:
  virtual ~RevocationStore() = default;

  // One transaction: claims up to `limit` unpublished revocations alive at `now`
  // (oldest first, FOR UPDATE SKIP LOCKED so instances never publish the same row at
  // once), calls `publish` for each in turn until one fails, marks the accepted ones
  // published, commits. A publish failure is not an error: the rest stay unpublished.
  virtual boost::asio::awaitable<PgResult<ClaimedBatch>> publish_unpublished(
      SystemTime now, std::size_t limit, PublishRevocation publish, Deadline deadline) = 0;
  // Revocations alive at `now`, in key order after `after` (empty id: from the start),
  // at most `limit`: for republishing everything after Redis lost its data.
  virtual boost::asio::awaitable<PgResult<std::vector<Revocation>>> live_page(
      SystemTime now, const Revocation& after, std::size_t limit, Deadline deadline) = 0;
  // Deletes revocations that expired before `now`; returns how many.
  virtual boost::asio::awaitable<PgResult<std::uint64_t>> purge_expired(SystemTime now,
                                                                        Deadline deadline) = 0;
};

}  // namespace phonebill::auth
