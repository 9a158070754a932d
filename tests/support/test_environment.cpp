// The integration-test harness (see test_environment.hpp), PostgreSQL half; the Redis
// half is redis_harness.cpp. Each server starts on first
// use, in a function-local static whose destructor stops it and deletes its directory
// when the test binary exits; PR_SET_PDEATHSIG (ChildProcess) covers crashes. Blocking
// libpq and socket calls are fine here: this is test set-up code, outside any loop.
#include "support/test_environment.hpp"

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "support/child_process.hpp"

namespace phonebill::test_support {

std::optional<std::string> environment_variable(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string{value};
}

namespace {

using namespace std::chrono_literals;

// Marks a directory with the pid of the test binary that made it.
constexpr const char* kOwnerFile = ".phonebill-owner";

std::filesystem::path create_temp_directory(const std::string& prefix) {
  const std::string base = environment_variable("TMPDIR").value_or("/tmp");
  std::string pattern = base + "/" + prefix + "-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp " + pattern + " failed");
  }
  std::ofstream{std::filesystem::path{pattern} / kOwnerFile} << ::getpid() << "\n";
  return pattern;
}

// A test binary that crashed (or aborted on an ASan report) ran no destructors: its
// servers died with it (PR_SET_PDEATHSIG) but its directories stayed. Removes the
// directories this harness made whose owning process (kOwnerFile) is gone.
void remove_abandoned_directories() {
  const std::filesystem::path base = environment_variable("TMPDIR").value_or("/tmp");
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator{base, error}) {
    const std::string name = entry.path().filename().string();
    const bool ours = name.starts_with("phonebill-pg-") || name.starts_with("phonebill-test-");
    if (!ours || !entry.is_directory(error)) continue;
    std::ifstream owner_file{entry.path() / kOwnerFile};
    pid_t owner = 0;
    if (!(owner_file >> owner) || owner <= 0) continue;  // not (yet) marked: leave it
    if (::kill(owner, 0) == 0 || errno != ESRCH) continue;
    std::filesystem::remove_all(entry.path(), error);
  }
}

// Directories handed out by make_temp_directory, removed at exit.
struct TempDirectories {
  std::mutex mutex;
  std::vector<std::filesystem::path> paths;
  ~TempDirectories() {
    std::error_code ignored;
    for (const auto& path : paths) std::filesystem::remove_all(path, ignored);
  }
};

TempDirectories& temp_directories() {
  static TempDirectories directories;
  return directories;
}

// Runs a set-up command to completion; throws with its output if it fails.
void run_to_completion(ChildProcessOptions options, std::chrono::seconds timeout) {
  const std::string what = options.executable;
  ChildProcess process{std::move(options)};
  const auto status = process.wait_for_exit(timeout);
  if (status != 0) {
    throw std::runtime_error(what + " failed (status " + std::to_string(status.value_or(-1)) +
                             "): " + process.read_log());
  }
}

std::string postgres_bin_directory() {
  if (auto configured = environment_variable("PHONEBILL_PG_BIN")) return *configured;
  for (const char* candidate :
       {"/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin"}) {
    if (std::filesystem::exists(std::string{candidate} + "/postgres")) return candidate;
  }
  throw std::runtime_error("PostgreSQL binaries not found; set PHONEBILL_PG_BIN");
}

// PostgreSQL refuses to run as root: as root, use (and if needed create) a system user.
std::string unprivileged_user() {
  const std::string user = environment_variable("PHONEBILL_PG_USER").value_or("phonebill");
  if (::getpwnam(user.c_str()) == nullptr) {
    try {
      run_to_completion(
          {.executable = "useradd", .arguments = {"--system", "--no-create-home", user}}, 30s);
    } catch (const std::exception&) {
      if (::getpwnam(user.c_str()) == nullptr) throw;  // else another process made it first
    }
  }
  return user;
}

bool postgres_answers(const std::string& dsn) { return PQping(dsn.c_str()) == PQPING_OK; }

// initdb + postgres in a temp directory, on a free loopback port, trust authentication.
class ThrowawayPostgres {
 public:
  ThrowawayPostgres() {
    remove_abandoned_directories();  // once per test binary: it starts one cluster
    directory_ = create_temp_directory("phonebill-pg");
    if (::geteuid() == 0) {
      user_ = unprivileged_user();
      const passwd* entry = ::getpwnam(user_.c_str());
      std::filesystem::permissions(directory_, std::filesystem::perms::owner_all);
      if (::chown(directory_.c_str(), entry->pw_uid, entry->pw_gid) != 0) {
        throw std::runtime_error("cannot chown " + directory_.string());
      }
    }
    const std::string bin = postgres_bin_directory();
    const std::string data = (directory_ / "data").string();
    run_to_completion({.executable = bin + "/initdb",
                       .arguments = {"-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                                     "--locale=C.UTF-8", "--no-sync"},
                       .log_path = (directory_ / "initdb.log").string(),
                       .user = user_},
                      120s);
    for (int attempt = 0; attempt < 3 && !server_; ++attempt) start_server(bin, data);
    if (!server_) throw std::runtime_error("PostgreSQL did not start; see " + log_path());
  }

  ~ThrowawayPostgres() {
    if (server_) {
      server_->send_signal(SIGINT);                       // fast shutdown
      if (!server_->wait_for_exit(10s)) server_.reset();  // SIGKILL
    }
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
  }

  const std::string& admin_dsn() const { return admin_dsn_; }
  std::string log_path() const { return (directory_ / "postgres.log").string(); }

 private:
  void start_server(const std::string& bin, const std::string& data) {
    const std::uint16_t port = find_free_port();
    ChildProcess server{{.executable = bin + "/postgres",
                         .arguments = {"-D", data,
                                       "-p", std::to_string(port),
                                       "-k", directory_.string(),
                                       "-c", "listen_addresses=127.0.0.1",
                                       "-c", "fsync=off",
                                       "-c", "synchronous_commit=off",
                                       "-c", "full_page_writes=off",
                                       "-c", "autovacuum=off",
                                       "-c", "shared_buffers=32MB",
                                       "-c", "max_connections=200"},
                         .log_path = log_path(),
                         .user = user_}};
    const std::string dsn =
        "host=127.0.0.1 port=" + std::to_string(port) + " user=postgres dbname=postgres";
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline && server.is_running()) {
      if (postgres_answers(dsn + " connect_timeout=2")) {
        server_.emplace(std::move(server));
        admin_dsn_ = dsn;
        return;
      }
      std::this_thread::sleep_for(50ms);
    }
    // Port taken meanwhile, or too slow: the caller tries again on another port.
  }

  std::filesystem::path directory_;
  std::string user_;
  std::optional<ChildProcess> server_;
  std::string admin_dsn_;
};

std::string quote_dsn_value(const std::string& value) {
  std::string quoted = "'";
  for (char character : value) {
    if (character == '\'' || character == '\\') quoted += '\\';
    quoted += character;
  }
  return quoted + "'";
}

// `dsn` with its database replaced by `database` (key=value form, whatever came in).
std::string with_database(const std::string& dsn, const std::string& database) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(dsn.c_str(), &error);
  if (options == nullptr) {
    std::string message = error ? error : "out of memory";
    PQfreemem(error);
    throw std::runtime_error("bad DSN: " + message);
  }
  std::string result;
  for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (option->val == nullptr || *option->val == '\0' ||
        std::string_view{option->keyword} == "dbname") {
      continue;
    }
    result += std::string{option->keyword} + "=" + quote_dsn_value(option->val) + " ";
  }
  PQconninfoFree(options);
  return result + "dbname=" + quote_dsn_value(database);
}

void run_admin_sql(const std::string& dsn, const std::string& sql) {
  PGconn* connection = PQconnectdb(dsn.c_str());
  std::string failure;
  if (PQstatus(connection) != CONNECTION_OK) {
    failure = PQerrorMessage(connection);
  } else {
    PGresult* result = PQexec(connection, sql.c_str());
    if (PQresultStatus(result) != PGRES_COMMAND_OK) failure = PQresultErrorMessage(result);
    PQclear(result);
  }
  PQfinish(connection);
  if (!failure.empty()) throw std::runtime_error(sql + ": " + failure);
}

// The server the tests use: external (PHONEBILL_TEST_PG_DSN) or throwaway.
class PostgresHarness {
 public:
  PostgresHarness() {
    if (auto external = environment_variable("PHONEBILL_TEST_PG_DSN")) {
      admin_dsn_ = *external;
    } else {
      server_.emplace();
      admin_dsn_ = server_->admin_dsn();
    }
  }
  ~PostgresHarness() {
    if (server_) return;  // the whole cluster goes away
    for (const auto& name : databases_) {
      try {
        run_admin_sql(admin_dsn_, "DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
      } catch (const std::exception& error) {
        std::cerr << "test harness: " << error.what() << "\n";
      }
    }
  }

  const std::string& admin_dsn() const { return admin_dsn_; }
  std::string log_path() const { return server_ ? server_->log_path() : std::string{}; }
  void remember(const std::string& database) {
    std::lock_guard lock{mutex_};
    databases_.push_back(database);
  }

 private:
  std::optional<ThrowawayPostgres> server_;
  std::string admin_dsn_;
  std::mutex mutex_;
  std::vector<std::string> databases_;
};

PostgresHarness& postgres() {
  static PostgresHarness harness;
  return harness;
}

// "prefix" -> "prefix_3f9a0c1e": lower-case letters, digits and '_' only.
std::string unique_database_name(const std::string& prefix) {
  std::string name;
  for (char character : prefix.substr(0, 40)) {
    const auto byte = static_cast<unsigned char>(character);
    name += std::isalnum(byte) ? static_cast<char>(std::tolower(byte)) : '_';
  }
  if (name.empty() || !std::isalpha(static_cast<unsigned char>(name.front()))) name = "db_" + name;
  static std::mt19937_64 random{std::random_device{}()};
  static std::mutex random_mutex;
  std::lock_guard lock{random_mutex};
  char suffix[17];
  std::snprintf(suffix, sizeof suffix, "%016llx", static_cast<unsigned long long>(random()));
  return name + "_" + std::string{suffix, 8};
}

}  // namespace

const std::string& postgres_admin_dsn() { return postgres().admin_dsn(); }

std::string postgres_log_path() { return postgres().log_path(); }

std::string create_database(const std::string& prefix) {
  auto& harness = postgres();
  const std::string name = unique_database_name(prefix);
  run_admin_sql(harness.admin_dsn(), "CREATE DATABASE \"" + name + "\"");
  harness.remember(name);
  return with_database(harness.admin_dsn(), name);
}

std::string unreachable_dsn() {
  return "host=127.0.0.1 port=" + std::to_string(find_free_port()) +
         " user=postgres dbname=postgres connect_timeout=2";
}

namespace {

// The kernel's ephemeral range ("32768 60999" by default): outgoing connections take their
// local port from it, so a port handed out from inside it can be taken by any client socket
// of any parallel test between our check and the child's bind.
std::pair<int, int> ephemeral_port_range() {
  std::ifstream file{"/proc/sys/net/ipv4/ip_local_port_range"};
  int low = 32768, high = 60999;
  if (!(file >> low >> high)) return {32768, 60999};
  return {low, high};
}

bool loopback_port_is_free(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return bound;
}

}  // namespace

std::uint16_t find_free_port() {
  // Below the ephemeral range (no client socket lands there) and above the fixed ports of
  // `./phonebill up` (5432, 6379, 8080-9xxx); a random start per process and a counter keep
  // the parallel ctest processes, and the calls of one process, apart.
  constexpr int kLowest = 10000;
  const int ephemeral_low = ephemeral_port_range().first;
  const int highest = std::min(ephemeral_low, 65536) - 1;
  static std::mutex mutex;
  static int next = [&] {
    std::random_device seed;
    return highest > kLowest ? kLowest + static_cast<int>(seed() % (highest - kLowest)) : 0;
  }();
  std::lock_guard lock{mutex};
  for (int attempt = 0; highest > kLowest && attempt < highest - kLowest; ++attempt) {
    const int port = next;
    next = next + 1 > highest ? kLowest : next + 1;
    if (loopback_port_is_free(static_cast<std::uint16_t>(port)))
      return static_cast<std::uint16_t>(port);
  }
  throw std::runtime_error("no free loopback port below the ephemeral range");
}

std::filesystem::path make_temp_directory(const std::string& prefix) {
  auto path = create_temp_directory("phonebill-test-" + prefix);
  auto& directories = temp_directories();
  std::lock_guard lock{directories.mutex};
  directories.paths.push_back(path);
  return path;
}

void write_file(const std::filesystem::path& path, const std::string& content) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream{path} << content;
}

std::string source_directory() { return PHONEBILL_SOURCE_DIR; }

std::string build_directory() { return PHONEBILL_BUILD_DIR; }

}  // namespace phonebill::test_support
