// ChildProcess (see child_process.hpp): everything the child needs is prepared before
// fork(), because between fork and execve a multi-threaded parent's child may only make
// async-signal-safe calls. An O_CLOEXEC pipe tells the parent whether execve worked.
#include "support/child_process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace phonebill::test_support {
namespace {

// Resolves a bare program name through PATH (execve does not search).
std::string resolve_executable(const std::string& executable) {
  if (executable.find('/') != std::string::npos) return executable;
  const char* path = std::getenv("PATH");
  std::stringstream directories{path ? path : "/usr/local/bin:/usr/bin:/bin"};
  std::string directory;
  while (std::getline(directories, directory, ':')) {
    const std::string candidate = (directory.empty() ? "." : directory) + "/" + executable;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return executable;  // execve will report ENOENT
}

std::vector<std::string> merged_environment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> entries;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text{*entry};
    const auto equals = text.find('=');
    if (equals != std::string_view::npos && extra.contains(std::string{text.substr(0, equals)})) {
      continue;
    }
    entries.emplace_back(text);
  }
  for (const auto& [name, value] : extra) entries.push_back(name + "=" + value);
  return entries;
}

std::vector<char*> pointers_to(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (auto& text : strings) pointers.push_back(text.data());
  pointers.push_back(nullptr);
  return pointers;
}

struct Identity {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;
};

Identity identity_of(const std::string& user) {
  const passwd* entry = ::getpwnam(user.c_str());
  if (entry == nullptr) throw std::runtime_error("no such user: " + user);
  Identity identity{entry->pw_uid, entry->pw_gid, {}};
  int count = 32;
  identity.groups.resize(count);
  if (::getgrouplist(user.c_str(), entry->pw_gid, identity.groups.data(), &count) < 0) {
    identity.groups.resize(count);
    ::getgrouplist(user.c_str(), entry->pw_gid, identity.groups.data(), &count);
  }
  identity.groups.resize(count);
  return identity;
}

// Runs in the child between fork and execve: async-signal-safe calls only.
[[noreturn]] void become_program(int error_pipe, int log_fd, int null_fd, pid_t parent,
                                 const char* directory, const Identity* identity,
                                 const char* program, char* const* argv, char* const* envp) {
  auto fail = [error_pipe] {
    const int error = errno;
    (void)!::write(error_pipe, &error, sizeof error);
    ::_exit(127);
  };
  sigset_t all;
  ::sigemptyset(&all);
  ::sigprocmask(SIG_SETMASK, &all, nullptr);
  for (int signal_number = 1; signal_number < NSIG; ++signal_number)
    ::signal(signal_number, SIG_DFL);
  if (::dup2(null_fd, STDIN_FILENO) < 0) fail();
  if (::dup2(log_fd, STDOUT_FILENO) < 0 || ::dup2(log_fd, STDERR_FILENO) < 0) fail();
  if (directory != nullptr && ::chdir(directory) != 0) fail();
  if (identity != nullptr) {
    if (::setgroups(identity->groups.size(), identity->groups.data()) != 0) fail();
    if (::setgid(identity->gid) != 0 || ::setuid(identity->uid) != 0) fail();
  }
  // After the identity change, which would clear it.
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail();
  if (::getppid() != parent) ::_exit(127);  // the parent is already gone
  ::execve(program, argv, envp);
  fail();
  ::_exit(127);  // not reached: fail() exits
}

}  // namespace

ChildProcess::ChildProcess(ChildProcessOptions options) : options_(std::move(options)) {
  const std::string program = resolve_executable(options_.executable);
  std::vector<std::string> arguments{options_.executable};
  arguments.insert(arguments.end(), options_.arguments.begin(), options_.arguments.end());
  auto environment = merged_environment(options_.environment);
  auto argv = pointers_to(arguments);
  auto envp = pointers_to(environment);
  std::optional<Identity> identity;
  if (!options_.user.empty()) identity = identity_of(options_.user);

  const std::string log_path = options_.log_path.empty() ? "/dev/null" : options_.log_path;
  const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) throw std::runtime_error("cannot open " + log_path + ": " + std::strerror(errno));
  if (identity && !options_.log_path.empty()) (void)!::fchown(log_fd, identity->uid, identity->gid);
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int error_pipe[2];
  if (null_fd < 0 || ::pipe2(error_pipe, O_CLOEXEC) != 0) {
    ::close(log_fd);
    if (null_fd >= 0) ::close(null_fd);
    throw std::runtime_error(std::string{"cannot prepare child: "} + std::strerror(errno));
  }

  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ == 0) {
    ::close(error_pipe[0]);
    become_program(
        error_pipe[1], log_fd, null_fd, parent,
        options_.working_directory.empty() ? nullptr : options_.working_directory.c_str(),
        identity ? &*identity : nullptr, program.c_str(), argv.data(), envp.data());
  }
  const int fork_error = errno;
  ::close(error_pipe[1]);
  ::close(log_fd);
  ::close(null_fd);
  if (pid_ < 0) {
    ::close(error_pipe[0]);
    throw std::runtime_error(std::string{"fork failed: "} + std::strerror(fork_error));
  }
  int exec_error = 0;
  ssize_t got = 0;
  do {
    got = ::read(error_pipe[0], &exec_error, sizeof exec_error);
  } while (got < 0 && errno == EINTR);
  ::close(error_pipe[0]);
  if (got == sizeof exec_error) {
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
    throw std::runtime_error("cannot start " + program + ": " + std::strerror(exec_error));
  }
}

ChildProcess::~ChildProcess() { kill_and_reap(); }

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : options_(std::move(other.options_)), pid_(other.pid_), exit_status_(other.exit_status_) {
  other.pid_ = -1;
}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    kill_and_reap();
    options_ = std::move(other.options_);
    pid_ = other.pid_;
    exit_status_ = other.exit_status_;
    other.pid_ = -1;
  }
  return *this;
}

bool ChildProcess::is_running() {
  if (pid_ < 0 || exit_status_) return false;
  int status = 0;
  const pid_t reaped = ::waitpid(pid_, &status, WNOHANG);
  if (reaped == 0) return true;
  if (reaped == pid_) {
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  } else {
    exit_status_ = -1;  // not our child any more (should not happen)
  }
  return false;
}

void ChildProcess::send_signal(int signal_number) {
  if (is_running()) ::kill(pid_, signal_number);
}

std::optional<int> ChildProcess::wait_for_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (is_running()) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  return exit_status_;
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
  send_signal(SIGTERM);
  if (auto status = wait_for_exit(grace)) return *status;
  kill_and_reap();
  return exit_status_.value_or(128 + SIGKILL);
}

void ChildProcess::kill_and_reap() {
  if (pid_ < 0 || !is_running()) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string ChildProcess::read_log() const {
  if (options_.log_path.empty()) return {};
  std::ifstream input{options_.log_path, std::ios::binary};
  std::ostringstream contents;
  contents << input.rdbuf();
  return contents.str();
}

}  // namespace phonebill::test_support
