// Starts helper processes for integration tests (PostgreSQL, redis-server, kos-sim, our
// services) with extra environment variables and arguments, output to a log file.
// Entry point: ChildProcess{{.executable = ..., .arguments = {...}, .environment = {...},
// .log_path = ...}}; stop() or the destructor ends it. Blocking calls: test code only.
#pragma once
#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace phonebill::test_support {

struct ChildProcessOptions {
  std::string executable;                          // a path, or a name looked up in PATH
  std::vector<std::string> arguments;              // argv[1...]
  std::map<std::string, std::string> environment;  // added to (or replacing) ours
  std::string log_path;           // stdout and stderr are appended here; empty: /dev/null
  std::string working_directory;  // empty: ours
  std::string user;               // run as this user (we must be root); empty: as we are
};

// One child process. It is killed (SIGKILL) by the destructor if still running, and by
// the kernel if the thread that started it exits (PR_SET_PDEATHSIG), so a crashed or
// killed test binary leaves nothing behind: start children from the test's main thread
// (SetUp, SetUpTestSuite or the test body), not from a short-lived thread.
class ChildProcess {
 public:
  // fork + execve. Throws std::runtime_error if the program cannot be started (the
  // message names it and the errno of execve).
  explicit ChildProcess(ChildProcessOptions options);
  ~ChildProcess();
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& log_path() const { return options_.log_path; }

  // False once the process has exited (and was reaped by this call).
  bool is_running();
  // kill(pid, signal_number); no effect once it has exited.
  void send_signal(int signal_number);
  // Waits up to `timeout` for the exit. The exit code, or 128 + the signal number that
  // ended it (as shells report it); nullopt if it is still running.
  std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);
  // SIGTERM, up to `grace` to exit, then SIGKILL. Returns the status as wait_for_exit.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds{5});
  // The log file's contents so far ("" if there is none).
  std::string read_log() const;

 private:
  void kill_and_reap();

  ChildProcessOptions options_;
  pid_t pid_ = -1;
  std::optional<int> exit_status_;
};

}  // namespace phonebill::test_support
