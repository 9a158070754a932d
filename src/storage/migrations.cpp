// Migration runner (see migrations.hpp): reads the files, takes the advisory lock,
// checks recorded checksums, then applies what is missing, one transaction per file.
#include "storage/migrations.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log.hpp"
#include "storage/pg_pool.hpp"

namespace phonebill::storage {
namespace {

using boost::asio::awaitable;

// Advisory locks are per database, so one key serves every service ("phonebil").
constexpr std::int64_t kMigrationLockKey = 0x70686f6e6562696c;

constexpr std::string_view kCreateMigrationsTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    integer PRIMARY KEY,
  name       text NOT NULL,
  checksum   text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
))sql";

constexpr std::string_view kSelectApplied =
    "SELECT version, name, checksum FROM schema_migrations ORDER BY version";
constexpr std::string_view kSelectReadOnly =
    "SELECT pg_is_in_recovery() OR current_setting('transaction_read_only')::boolean AS read_only";
constexpr std::string_view kInsertApplied =
    "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)";

PgError migration_error(std::string message) {
  return PgError{.kind = PgErrorKind::kMigration,
                 .sqlstate = {},
                 .constraint = {},
                 .message = std::move(message)};
}

// The same error, its message prefixed with the file it happened in.
PgError in_file(PgError error, const MigrationFile& file) {
  error.message = file.file_name + ": " + error.message;
  return error;
}

bool is_name_character(char character) {
  return std::isalnum(static_cast<unsigned char>(character)) != 0 || character == '_' ||
         character == '-';
}

// Applies one file inside its own transaction and records it.
awaitable<PgResult<void>> apply_file(PgLease& lease, const MigrationFile& file, Deadline deadline) {
  if (auto begun = co_await lease.begin(deadline); !begun) co_return in_file(begun.error(), file);
  auto applied = co_await lease.execute_script(file.sql, deadline);
  if (applied) {
    applied = co_await lease.query(kInsertApplied,
                                   pg_params(file.version, file.name, file.checksum), deadline);
  }
  if (!applied) {
    // A broken connection is closed when the lease ends, which rolls back too.
    if (!lease.connection().is_broken()) (void)co_await lease.rollback(deadline);
    co_return in_file(applied.error(), file);
  }
  if (auto committed = co_await lease.commit(deadline); !committed) {
    co_return in_file(committed.error(), file);
  }
  log::info("migration_applied", {{"version", file.version}, {"name", file.name}});
  co_return PgResult<void>{};
}

// Everything that happens while the advisory lock is held.
awaitable<PgResult<MigrationReport>> apply_missing(PgLease& lease,
                                                   const std::vector<MigrationFile>& files,
                                                   Deadline deadline) {
  if (auto created = co_await lease.execute_script(kCreateMigrationsTable, deadline); !created) {
    co_return created.error();
  }
  auto applied_rows = co_await lease.query(kSelectApplied, {}, deadline);
  if (!applied_rows) co_return applied_rows.error();
  std::map<std::int64_t, std::string> applied_checksums;
  for (std::size_t row = 0; row < applied_rows->row_count(); ++row) {
    applied_checksums.emplace(applied_rows->int64(row, "version"),
                              std::string{applied_rows->text(row, "checksum")});
  }

  // Refuse before changing anything if history was rewritten.
  MigrationReport report;
  for (const auto& file : files) {
    auto recorded = applied_checksums.find(file.version);
    if (recorded == applied_checksums.end()) continue;
    if (recorded->second != file.checksum) {
      co_return migration_error(file.file_name + " was edited after it was applied (checksum " +
                                recorded->second + " recorded, " + file.checksum + " now)");
    }
    ++report.skipped;
  }
  for (const auto& file : files) {
    if (applied_checksums.contains(file.version)) continue;
    if (auto applied = co_await apply_file(lease, file, deadline); !applied) {
      co_return applied.error();
    }
    report.applied_versions.push_back(file.version);
  }
  co_return report;
}

}  // namespace

std::optional<MigrationName> parse_migration_file_name(std::string_view file_name) {
  constexpr std::string_view kSuffix = ".sql";
  if (!file_name.ends_with(kSuffix)) return std::nullopt;
  const std::string_view stem = file_name.substr(0, file_name.size() - kSuffix.size());
  const auto underscore = stem.find('_');
  if (underscore == std::string_view::npos || underscore == 0) return std::nullopt;
  const std::string_view digits = stem.substr(0, underscore);
  const std::string_view name = stem.substr(underscore + 1);
  if (name.empty() || !std::all_of(name.begin(), name.end(), is_name_character)) {
    return std::nullopt;
  }
  int version = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), version);
  if (error != std::errc{} || end != digits.data() + digits.size() || version < 0) {
    return std::nullopt;
  }
  return MigrationName{version, std::string{name}};
}

std::string migration_checksum(std::string_view sql) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(sql.data(), sql.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int index = 0; index < length; ++index) {
    hex += kHex[digest[index] >> 4];
    hex += kHex[digest[index] & 0x0f];
  }
  return hex;
}

PgResult<std::vector<MigrationFile>> load_migration_files(const std::filesystem::path& directory) {
  std::error_code error;
  std::filesystem::directory_iterator entries{directory, error};
  if (error) {
    return migration_error("cannot read " + directory.string() + ": " + error.message());
  }
  std::vector<MigrationFile> files;
  for (const auto& entry : entries) {
    if (!entry.is_regular_file(error) || entry.path().extension() != ".sql") continue;
    const std::string file_name = entry.path().filename().string();
    auto parsed = parse_migration_file_name(file_name);
    if (!parsed) return migration_error(file_name + " is not named NNN_name.sql");
    std::ifstream input{entry.path(), std::ios::binary};
    std::ostringstream body;
    body << input.rdbuf();
    if (!input) return migration_error("cannot read " + entry.path().string());
    MigrationFile file{.version = parsed->version,
                       .name = std::move(parsed->name),
                       .file_name = file_name,
                       .sql = body.str(),
                       .checksum = {}};
    file.checksum = migration_checksum(file.sql);
    files.push_back(std::move(file));
  }
  std::sort(files.begin(), files.end(),
            [](const auto& left, const auto& right) { return left.version < right.version; });
  for (std::size_t index = 1; index < files.size(); ++index) {
    if (files[index].version == files[index - 1].version) {
      return migration_error(files[index - 1].file_name + " and " + files[index].file_name +
                             " share version " + std::to_string(files[index].version));
    }
  }
  return files;
}

awaitable<PgResult<MigrationReport>> run_migrations(PgPool& pool, std::filesystem::path directory,
                                                    Deadline deadline) {
  auto files = load_migration_files(directory);
  if (!files) co_return files.error();
  auto lease = co_await pool.acquire(deadline);
  if (!lease) co_return lease.error();

  // Only a primary may migrate. Behind a Patroni failover a connection can reach a member
  // that takes no writes (a standby, a demoted primary): an advisory lock taken there
  // guards nothing, so that is a connection failure, which migrate_at_start retries.
  auto writable = co_await lease->query(kSelectReadOnly, {}, deadline);
  if (!writable) co_return writable.error();
  if (writable->boolean(0, "read_only")) {
    lease->connection().mark_broken();  // never pooled: the next attempt reconnects
    co_return PgError{.kind = PgErrorKind::kConnection,
                      .sqlstate = "25006",
                      .constraint = {},
                      .message = "the server takes no writes (a standby): not migrating there"};
  }

  // Session-level lock: released by pg_advisory_unlock below, or by the server when a
  // broken connection is closed.
  const PgParams lock_key = pg_params(kMigrationLockKey);
  auto locked = co_await lease->query("SELECT pg_advisory_lock($1)", lock_key, deadline);
  if (!locked) co_return locked.error();

  auto report = co_await apply_missing(*lease, *files, deadline);

  if (!lease->connection().is_broken()) {
    auto unlocked = co_await lease->query("SELECT pg_advisory_unlock($1)", lock_key, deadline);
    // Never pool a connection that may still hold the lock: closing it releases it.
    if (!unlocked) lease->connection().mark_broken();
  }
  if (report) {
    log::info("migrations_done", {{"directory", directory.string()},
                                  {"applied", report->applied_versions.size()},
                                  {"skipped", report->skipped}});
  }
  co_return report;
}

boost::asio::awaitable<bool> migrate_at_start(PgPool& pool, std::filesystem::path directory,
                                              std::chrono::seconds timeout) {
  const Deadline deadline = deadline_after(timeout);
  auto migrated = co_await run_migrations(pool, directory, deadline);
  // No primary yet (a failover in progress, the database still starting): wait for one
  // rather than give up, until the start-up timeout. Other errors are final.
  auto pause = std::chrono::milliseconds{250};
  while (!migrated && migrated.error().kind == PgErrorKind::kConnection &&
         std::chrono::steady_clock::now() + pause < deadline) {
    log::warn("migrations_waiting_for_primary", {{"error", describe(migrated.error())}});
    boost::asio::steady_timer timer{co_await boost::asio::this_coro::executor, pause};
    co_await timer.async_wait(boost::asio::use_awaitable);
    pause = std::min(pause * 2, std::chrono::milliseconds{2000});
    migrated = co_await run_migrations(pool, directory, deadline);
  }
  if (!migrated) {
    log::error("migrations_failed", {{"error", describe(migrated.error())}});
    co_return false;
  }
  log::info("migrations_done",
            {{"applied", migrated->applied_versions.size()}, {"skipped", migrated->skipped}});
  co_return true;
}

}  // namespace phonebill::storage
