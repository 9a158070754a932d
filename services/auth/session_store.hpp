// Sessions and their refresh tokens (tables sessions and refresh_tokens). A refresh
// runs in one transaction with the token and session rows locked: decide_refresh picks
// the outcome, the caller's `issue` callback signs the new access token, and the rotation
// or the reuse revocation is committed before anyone learns of it. Ending a session
// writes its revocation to the outbox (table revocations) in the same statement.
// The role (an interface: PgSessionStore is the database, tests use a fake).
#pragma once
#include <boost/asio/awaitable.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "revocation_store.hpp"
#include "session_rules.hpp"
#include "store_support.hpp"

namespace phonebill::auth {

struct NewSession {
  std::string session_id;
  std::string user_id;
  bool auto_login = false;
  SystemTime created_at;
  SystemTime expires_at;  // absolute end
  std::string token_id;   // jti of the first access token
  SystemTime token_expires_at;
  std::string client_ip;
  std::string user_agent;
  std::string refresh_token_hash;
};

// The user facts a refreshed access token carries (read with the session).
struct SessionOwner {
  std::string customer_id;
  std::string line_number;
  std::vector<std::string> permissions;
};

// What the refresh callback produced: the new access token's id and expiry.
struct IssuedAccess {
  std::string token_id;
  SystemTime expires_at;
};

struct RefreshOutcome {
  RefreshDecision decision = RefreshDecision::kUnknown;
  std::optional<RefreshTokenRecord> token;  // unless kUnknown
  bool newly_revoked = false;               // kReused: this call ended the session
};

// Signs the new access token for a session being rotated (no I/O: runs inside the
// transaction).
using IssueAccess = std::function<IssuedAccess(const SessionRecord&, const SessionOwner&)>;

// A session ended by revoke_session / revoke_user_sessions.
struct EndedSession {
  std::string session_id;
  std::string user_id;
  std::string current_token_id;
  SystemTime current_token_expires_at;
  bool newly_revoked = false;
};

class SessionStore {
 public:
  virtual ~SessionStore() = default;

  virtual boost::asio::awaitable<PgResult<void>> create_session(NewSession session,
                                                                Deadline deadline) = 0;

  // Looks up `presented_hash` and applies decide_refresh at `now`: kRotate marks it
  // rotated, stores `new_hash` and the token `issue` signed; kReused ends the session
  // (reason REFRESH_TOKEN_REUSED) and commits its revocation until `revoke_until`; the
  // other outcomes change nothing.
  virtual boost::asio::awaitable<PgResult<RefreshOutcome>> refresh(
      std::string presented_hash, std::string new_hash, SessionPolicy policy, SystemTime now,
      SystemTime revoke_until, IssueAccess issue, Deadline deadline) = 0;

  // Ends one session (reason LOGOUT, ...) and commits, in the same statement, the
  // revocation of its sid until `session_until` and of `token` (if any). nullopt for an
  // unknown session (the revocations are committed all the same); an ended one is
  // returned with newly_revoked = false.
  virtual boost::asio::awaitable<PgResult<std::optional<EndedSession>>> revoke_session(
      std::string session_id, std::string reason, SystemTime now, SystemTime session_until,
      std::optional<Revocation> token, Deadline deadline) = 0;
  // Sets the user's permissions and ends every live session of theirs, in one statement
  // (tokens carry permissions), committing each sid's revocation until `session_until`
  // in the same statement. nullopt for an unknown id (nothing changed).
  virtual boost::asio::awaitable<PgResult<std::optional<std::vector<EndedSession>>>>
  set_permissions_ending_sessions(std::string user_id, std::vector<std::string> permissions,
                                  std::string reason, SystemTime now, SystemTime session_until,
                                  Deadline deadline) = 0;
  // Deletes sessions that ended (or expired) before `ended_before`, with their tokens.
  virtual boost::asio::awaitable<PgResult<std::uint64_t>> purge(SystemTime ended_before,
                                                                Deadline deadline) = 0;
};

}  // namespace phonebill::auth
