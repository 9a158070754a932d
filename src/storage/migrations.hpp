// Schema migrations: each service applies the NNN_name.sql files of its db/<service>/
// directory on start (SPEC §1). Entry point: `co_await run_migrations(pool, directory,
// deadline)`. Applied files are recorded in schema_migrations; editing one afterwards is
// refused. The file helpers below are pure, for unit tests.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/pg_result.hpp"

namespace phonebill::storage {

class PgPool;

struct MigrationFile {
  int version = 0;        // NNN
  std::string name;       // the part between NNN_ and .sql
  std::string file_name;  // "001_schema.sql"
  std::string sql;        // the whole file
  std::string checksum;   // migration_checksum(sql)
};

struct MigrationName {
  int version = 0;
  std::string name;
};

// "001_schema.sql" -> {1, "schema"}. nullopt unless the name is digits, '_', a name
// of letters, digits, '_' or '-', and ".sql".
std::optional<MigrationName> parse_migration_file_name(std::string_view file_name);

// SHA-256 of the file body as 64 lowercase hex digits.
std::string migration_checksum(std::string_view sql);

// Every NNN_name.sql file of `directory` in version order; other files (README.md) are
// ignored. kMigration error if the directory cannot be read, a .sql file is misnamed,
// or two files share a version.
PgResult<std::vector<MigrationFile>> load_migration_files(const std::filesystem::path& directory);

struct MigrationReport {
  std::vector<int> applied_versions;  // applied by this run, in order
  std::size_t skipped = 0;            // applied earlier
};

// Applies the files not yet recorded in schema_migrations(version, name, checksum,
// applied_at), each in its own transaction, while holding a pg_advisory_lock so that
// instances starting together apply each file once. A server that takes no writes (a
// standby) is refused first, as a kConnection error: the lock must be the primary's. Refuses
// (kMigration) when an applied file's checksum changed, naming the file. Files run through the
// simple protocol, so one may hold several statements, but none may contain BEGIN/COMMIT or
// statements that cannot run in a transaction (CREATE INDEX CONCURRENTLY).
boost::asio::awaitable<PgResult<MigrationReport>> run_migrations(PgPool& pool,
                                                                 std::filesystem::path directory,
                                                                 Deadline deadline);

// What every service does at start: run_migrations, logging migrations_done (applied,
// skipped) or migrations_failed. While there is no writable primary (connection failures,
// a standby or demoted primary reached during a failover) it retries with backoff until
// `timeout`. False when the service must not become ready.
boost::asio::awaitable<bool> migrate_at_start(PgPool& pool, std::filesystem::path directory,
                                              std::chrono::seconds timeout);

}  // namespace phonebill::storage
