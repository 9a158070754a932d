// RevocationStore in PostgreSQL (tables revocations (the outbox); SQL in queries.hpp).
// Entry points: PgRevocationStore::register_statements once, then the RevocationStore calls.
#pragma once
#include "revocation_store.hpp"
#include "storage/pg_pool.hpp"

namespace phonebill::auth {

class PgRevocationStore final : public RevocationStore {
 public:
  explicit PgRevocationStore(storage::PgPool& pool);
  static void register_statements(storage::PgPool& pool);

  boost::asio::awaitable<PgResult<ClaimedBatch>> publish_unpublished(SystemTime now,
                                                                     std::size_t limit,
                                                                     PublishRevocation publish,
                                                                     Deadline deadline) override;
  boost::asio::awaitable<PgResult<std::vector<Revocation>>> live_page(SystemTime now,
                                                                      const Revocation& after,
                                                                      std::size_t limit,
                                                                      Deadline deadline) override;
  boost::asio::awaitable<PgResult<std::uint64_t>> purge_expired(SystemTime now,
                                                                Deadline deadline) override;

 private:
  storage::PgPool& pool_;
};

}  // namespace phonebill::auth
