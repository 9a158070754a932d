// The integration-test harness (STYLE §10): real PostgreSQL and Redis for tests.
// Reuses PHONEBILL_TEST_PG_DSN / PHONEBILL_TEST_REDIS_URL when set (./phonebill test
// starts one pair for all suites); otherwise starts a throwaway cluster (initdb in a
// temp dir, as an unprivileged user when run as root) and a redis-server on free
// loopback ports, and removes them when the test binary exits.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace phonebill::test_support {

// The variable's value, or nullopt when it is unset or empty.
std::optional<std::string> environment_variable(const char* name);

// Connection string of a superuser-capable role on the test cluster (database "postgres").
const std::string& postgres_admin_dsn();

// Creates a fresh, empty database with a unique name (prefix + random suffix) and
// returns its DSN. Each suite calls this once so suites never share state.
std::string create_database(const std::string& prefix);

// A DSN nothing listens on (for "database down" tests).
std::string unreachable_dsn();

// redis://127.0.0.1:PORT/DB of the test Redis: each test process gets a logical
// database of its own, so parallel test binaries never see each other's keys (pub/sub
// channels are server-wide: name them uniquely per test).
const std::string& redis_url();
std::string redis_host();
std::uint16_t redis_port();
// FLUSHDB of this process's database (each test starts empty).
void flush_redis();

// A loopback TCP port that was free a moment ago, below the kernel's ephemeral range (so no
// outgoing connection can take it before the caller's child binds it) and never the same
// twice in one process.
std::uint16_t find_free_port();

// A new directory $TMPDIR/phonebill-test-<prefix>-XXXXXX (TMPDIR defaults to /tmp),
// removed when the test binary exits. It holds one hidden file, .phonebill-owner (our
// pid), so a later run can remove it if this binary crashes.
std::filesystem::path make_temp_directory(const std::string& prefix);

// Writes `content` to `path`, creating its parent directories (fixture files).
void write_file(const std::filesystem::path& path, const std::string& content);

// The throwaway PostgreSQL server's log ("" when an external server is used).
std::string postgres_log_path();

// Absolute path of the source tree (for db/ migrations and service binaries).
std::string source_directory();
// Absolute path of the build tree (service binaries live under services/).
std::string build_directory();

}  // namespace phonebill::test_support
