// SessionStore in PostgreSQL (tables sessions, refresh_tokens and the revocation outbox rows they
// write; SQL in queries.hpp). Entry points: PgSessionStore::register_statements once, then the
// SessionStore calls.
#pragma once
#include "sealed_fields.hpp"
#include "session_store.hpp"
#include "storage/pg_pool.hpp"

namespace phonebill::auth {

class PgSessionStore final : public SessionStore {
 public:
  // `fields` seals and opens the personal data (it must outlive the store).
  PgSessionStore(storage::PgPool& pool, const SealedFields& fields);
  static void register_statements(storage::PgPool& pool);

  boost::asio::awaitable<PgResult<void>> create_session(NewSession session,
                                                        Deadline deadline) override;
  boost::asio::awaitable<PgResult<RefreshOutcome>> refresh(
      std::string presented_hash, std::string new_hash, SessionPolicy policy, SystemTime now,
      SystemTime revoke_until, IssueAccess issue, Deadline deadline) override;
  boost::asio::awaitable<PgResult<std::optional<EndedSession>>> revoke_session(
      std::string session_id, std::string reason, SystemTime now, SystemTime session_until,
      std::optional<Revocation> token, Deadline deadline) override;
  boost::asio::awaitable<PgResult<std::optional<std::vector<EndedSession>>>>
  set_permissions_ending_sessions(std::string user_id, std::vector<std::string> permissions,
                                  std::string reason, SystemTime now, SystemTime session_until,
                                  Deadline deadline) override;
  boost::asio::awaitable<PgResult<std::uint64_t>> purge(SystemTime ended_before,
                                                        Deadline deadline) override;

 private:
  storage::PgPool& pool_;
  const SealedFields& fields_;
};

}  // namespace phonebill::auth
