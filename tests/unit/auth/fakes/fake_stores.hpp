// In-memory stand-ins for auth's roles, for driving AuthService in-process: the stores
// keep plain maps and apply the same pure rules as the PostgreSQL ones (reserve_attempt,
// release_attempt, decide_refresh), the hasher can be made busy, the outbox publisher
// records when it was rung. `failure`, when set, makes every store call fail with it.
// Entry points: FakeAuthWorld (all of them wired together), the Fake* classes.
#pragma once
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "login_history_store.hpp"
#include "outbox_publisher.hpp"
#include "password_hashing.hpp"
#include "permission_check_store.hpp"
#include "revocation_store.hpp"
#include "session_store.hpp"
#include "user_store.hpp"

namespace phonebill::auth::fakes {

// The one switch every fake store reads: a set failure makes each call return it.
struct StoreFailure {
  std::optional<storage::PgError> failure;
};

class FakeUserStore final : public UserStore {
 public:
  explicit FakeUserStore(StoreFailure& failure) : failure_(failure) {}

  struct Row {
    UserRecord record;
    std::string password_hash;
  };
  std::map<std::string, Row> users;
  std::map<std::string, AttemptState> attempts;  // by login id, known or not
  int releases = 0;

  boost::asio::awaitable<PgResult<LoginReservation>> reserve_login_attempt(std::string user_id,
                                                                           LockoutPolicy policy,
                                                                           SystemTime now,
                                                                           Deadline) override {
    if (failure_.failure) co_return *failure_.failure;
    LoginReservation result;
    auto& state = attempts[user_id];
    result.reservation = reserve_attempt(state, policy, now);
    if (auto found = users.find(user_id); found != users.end()) {
      result.user = found->second.record;
      result.user->attempts = result.reservation.next;
      result.password_hash = found->second.password_hash;
    }
    if (result.reservation.kind == ReservationKind::kLocked) {
      result.password_hash.clear();
      co_return result;
    }
    state = result.reservation.next;
    co_return result;
  }
  boost::asio::awaitable<PgResult<void>> release_login_attempt(std::string user_id,
                                                               Reservation reservation, SystemTime,
                                                               Deadline) override {
    if (failure_.failure) co_return *failure_.failure;
    ++releases;
    if (reservation.kind != ReservationKind::kVerify) co_return PgResult<void>{};
    if (auto found = attempts.find(user_id); found != attempts.end())
      found->second = release_attempt(found->second, reservation);
    co_return PgResult<void>{};
  }
  boost::asio::awaitable<PgResult<SystemTime>> record_login_success(std::string user_id,
                                                                    SystemTime now,
                                                                    Deadline) override {
    if (failure_.failure) co_return *failure_.failure;
    attempts.erase(user_id);
    users.at(user_id).record.last_login_at = now;
    co_return now;
  }
  boost::asio::awaitable<PgResult<void>> update_password_hash(std::string user_id,
                                                              std::string password_hash,
                                                              Deadline) override {
    if (failure_.failure) co_return *failure_.failure;
    users.at(user_id).password_hash = std::move(password_hash);
    co_return PgResult<void>{};
  }
  boost::asio::awaitable<PgResult<std::optional<UserRecord>>> find_user(std::string user_id,
                                                                        Deadline) override {
    if (failure_.failure) co_return *failure_.failure;
    auto found = users.find(user_id);
    if (found == users.end()) co_return std::optional<UserRecord>{};
    auto record = found->second.record;
    record.attempts = attempts.contains(user_id) ? attempts.at(user_id) : AttemptState{};
    co_return std::optional<UserRecord>{std::move(record)};
  }
  boost::asio::awaitable<PgResult<bool>> user_exists(std::string user_id, Deadline) override {
    if (failure_.failure) co_return *failure_.failure;
    co_return users.contains(user_id);
  }
  boost::asio::awaitable<PgResult<bool>> insert_user(NewUser user, Deadline) override {
    if (failure_.failure) co_return *failure_.failure;
    if (users.contains(user.user_id)) co_return false;
    Row row;
    row.record.user_id = user.user_id;
    row.record.user_name = user.user_name;
    row.record.customer_id = user.customer_id;
    row.record.line_number = user.line_number;
    row.record.permissions = user.permissions;
    row.password_hash = user.password_hash;
    users.emplace(user.user_id, std::move(row));
    co_return true;
  }
  boost::asio::awaitable<PgResult<bool>> unlock(std::string user_id, SystemTime,
                                                Deadline) override {
    if (failure_.failure) co_return *failure_.failure;
    if (!users.contains(user_id)) co_return false;
    attempts.erase(user_id);
    co_return true;
  }
  boost::asio::awaitable<PgResult<std::uint64_t>> purge_attempts(SystemTime, SystemTime,
                                                                 Deadline) override {
    co_return std::uint64_t{0};
  }

 private:
  StoreFailure& failure_;
};

class FakeSessionStore final : public SessionStore {
 public:
  FakeSessionStore(StoreFailure& failure, FakeUserStore& users)
      : failure_(failure), users_(users) {}

  struct Token {
    bool rotated = false;
    std::string session_id;
  };
  std::map<std::string, SessionRecord> sessions;   // by sid
  std::map<std::string, Token> tokens;             // by refresh-token hash
  std::vector<Revocation> outbox;                  // committed with the session changes
  std::map<std::string, std::string> end_reasons;  // sid → reason

  boost::asio::awaitable<PgResult<void>> create_session(NewSession session, Deadline) override {
    if (failure_.failure) co_return *failure_.failure;
    SessionRecord record;
    record.session_id = session.session_id;
    record.user_id = session.user_id;
    record.auto_login = session.auto_login;
    record.created_at = session.created_at;
    record.last_used_at = session.created_at;
    record.expires_at = session.expires_at;
    record.current_token_id = session.token_id;
    record.current_token_expires_at = session.token_expires_at;
    sessions[session.session_id] = record;
    tokens[session.refresh_token_hash] = Token{false, session.session_id};
    co_return PgResult<void>{};
  }

  boost::asio::awaitable<PgResult<RefreshOutcome>> refresh(std::string presented_hash,
                                                           std::string new_hash,
                                                           SessionPolicy policy, SystemTime now,
                                                           SystemTime revoke_until,
                                                           IssueAccess issue, Deadline) override {
    if (failure_.failure) co_return *failure_.failure;
    RefreshOutcome outcome;
    auto found = tokens.find(presented_hash);
    if (found != tokens.end())
      outcome.token =
          RefreshTokenRecord{found->second.rotated, sessions.at(found->second.session_id)};
    outcome.decision = decide_refresh(outcome.token, policy, now);
    if (outcome.decision == RefreshDecision::kRotate) {
      auto& session = sessions.at(found->second.session_id);
      const auto& user = users_.users.at(session.user_id).record;
      auto issued =
          issue(session, SessionOwner{user.customer_id, user.line_number, user.permissions});
      found->second.rotated = true;
      tokens[new_hash] = Token{false, session.session_id};
      session.last_used_at = now;
      session.current_token_id = issued.token_id;
      session.current_token_expires_at = issued.expires_at;
      outcome.token->session = session;
    } else if (outcome.decision == RefreshDecision::kReused) {
      auto ended = end(found->second.session_id, "REFRESH_TOKEN_REUSED", revoke_until);
      outcome.newly_revoked = ended.newly_revoked;
    }
    co_return outcome;
  }

  boost::asio::awaitable<PgResult<std::optional<EndedSession>>> revoke_session(
      std::string session_id, std::string reason, SystemTime, SystemTime session_until,
      std::optional<Revocation> token, Deadline) override {
    if (failure_.failure) co_return *failure_.failure;
    if (token) outbox.push_back(*token);
    if (!sessions.contains(session_id)) {
      outbox.push_back(Revocation{security::RevocationKind::kSession, session_id, session_until});
      co_return std::optional<EndedSession>{};
    }
    co_return std::optional<EndedSession>{end(session_id, reason, session_until)};
  }

  boost::asio::awaitable<PgResult<std::optional<std::vector<EndedSession>>>>
  set_permissions_ending_sessions(std::string user_id, std::vector<std::string> permissions,
                                  std::string reason, SystemTime, SystemTime session_until,
                                  Deadline) override {
    if (failure_.failure) co_return *failure_.failure;
    auto user = users_.users.find(user_id);
    if (user == users_.users.end()) co_return std::optional<std::vector<EndedSession>>{};
    user->second.record.permissions = std::move(permissions);
    std::vector<EndedSession> ended;
    for (auto& [id, session] : sessions)
      if (session.user_id == user_id && !session.revoked)
        ended.push_back(end(id, reason, session_until));
    co_return std::optional<std::vector<EndedSession>>{std::move(ended)};
  }

  boost::asio::awaitable<PgResult<std::uint64_t>> purge(SystemTime, Deadline) override {
    co_return std::uint64_t{0};
  }

 private:
  EndedSession end(const std::string& session_id, const std::string& reason, SystemTime until) {
    auto& session = sessions.at(session_id);
    EndedSession ended{session_id, session.user_id, session.current_token_id,
                       session.current_token_expires_at, !session.revoked};
    if (!session.revoked) {
      session.revoked = true;
      end_reasons[session_id] = reason;
    }
    outbox.push_back(Revocation{security::RevocationKind::kSession, session_id, until});
    return ended;
  }

  StoreFailure& failure_;
  FakeUserStore& users_;
};

class FakeLoginHistoryStore final : public LoginHistoryStore {
 public:
  explicit FakeLoginHistoryStore(StoreFailure& failure) : failure_(failure) {}
  std::vector<LoginHistoryEntry> entries;

  boost::asio::awaitable<PgResult<void>> record(LoginHistoryEntry entry, Deadline) override {
    if (failure_.failure) co_return *failure_.failure;
    entries.push_back(std::move(entry));
    co_return PgResult<void>{};
  }
  boost::asio::awaitable<PgResult<LoginHistoryPage>> page(std::string user_id, std::int64_t page,
                                                          std::int64_t size, Deadline) override {
    if (failure_.failure) co_return *failure_.failure;
    LoginHistoryPage result;
    std::vector<LoginHistoryEntry> own;
    for (auto entry = entries.rbegin(); entry != entries.rend(); ++entry)
      if (entry->user_id == user_id) own.push_back(*entry);
    result.total_items = std::int64_t(own.size());
    auto first = std::min<std::size_t>(own.size(), std::size_t((page - 1) * size));
    auto last = std::min<std::size_t>(own.size(), first + std::size_t(size));
    result.items.assign(own.begin() + first, own.begin() + last);
    co_return result;
  }

 private:
  StoreFailure& failure_;
};

class FakePermissionCheckStore final : public PermissionCheckStore {
 public:
  FakePermissionCheckStore(StoreFailure& failure, FakeUserStore& users)
      : failure_(failure), users_(users) {}
  std::vector<PermissionCheck> logged;

  boost::asio::awaitable<PgResult<bool>> check(PermissionCheck check, Deadline) override {
    if (failure_.failure) co_return *failure_.failure;
    bool granted = false;
    if (auto user = users_.users.find(check.user_id); user != users_.users.end()) {
      const auto& held = user->second.record.permissions;
      granted = std::find(held.begin(), held.end(), check.service_type) != held.end();
    }
    logged.push_back(std::move(check));
    co_return granted;
  }

 private:
  StoreFailure& failure_;
  FakeUserStore& users_;
};

// Only housekeeping reaches it from the service; the publishing side is not driven here.
class FakeRevocationStore final : public RevocationStore {
 public:
  boost::asio::awaitable<PgResult<ClaimedBatch>> publish_unpublished(SystemTime, std::size_t,
                                                                     PublishRevocation,
                                                                     Deadline) override {
    co_return ClaimedBatch{};
  }
  boost::asio::awaitable<PgResult<std::vector<Revocation>>> live_page(SystemTime, const Revocation&,
                                                                      std::size_t,
                                                                      Deadline) override {
    co_return std::vector<Revocation>{};
  }
  boost::asio::awaitable<PgResult<std::uint64_t>> purge_expired(SystemTime, Deadline) override {
    co_return std::uint64_t{0};
  }
};

// "Hashes" are the password behind a prefix: fast and deterministic. `busy` makes busy()
// say so (login refuses before counting); `refuse_next` makes the next job fail with it
// (the queue filled between the check and the job).
class FakePasswordHashing final : public PasswordHashing {
 public:
  bool full = false;
  std::optional<PasswordError> refuse_next;
  int verifications = 0;

  static std::string hash_of(std::string_view password) {
    return "fake-hash:" + std::string{password};
  }

  bool busy() const override { return full; }
  boost::asio::awaitable<boost::system::result<std::string, PasswordError>> hash(
      std::string password) override {
    if (auto refused = take_refusal()) co_return *refused;
    co_return hash_of(password);
  }
  boost::asio::awaitable<boost::system::result<PasswordCheck, PasswordError>> verify(
      std::string password, std::string stored_hash) override {
    if (auto refused = take_refusal()) co_return *refused;
    ++verifications;
    co_return PasswordCheck{stored_hash == hash_of(password), false};
  }
  boost::asio::awaitable<boost::system::result<PasswordCheck, PasswordError>> verify_unknown_user(
      std::string) override {
    if (auto refused = take_refusal()) co_return *refused;
    ++verifications;
    co_return PasswordCheck{false, false};
  }

 private:
  std::optional<PasswordError> take_refusal() {
    auto refused = refuse_next;
    refuse_next.reset();
    return refused;
  }
};

// Records each ring with how many revocations the outbox held at that moment, so a test
// can tell that the commit came before the publication.
class FakeOutboxPublisher final : public OutboxPublisher {
 public:
  explicit FakeOutboxPublisher(const FakeSessionStore& sessions) : sessions_(sessions) {}
  std::vector<std::size_t> outbox_sizes_at_wake;

  void wake() override { outbox_sizes_at_wake.push_back(sessions_.outbox.size()); }

 private:
  const FakeSessionStore& sessions_;
};

}  // namespace phonebill::auth::fakes
