// Runs `promtool check metrics` on an exposition text through a temp file.
#include "support/promtool.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/child_process.hpp"
#include "support/test_environment.hpp"

namespace phonebill::test_support {
namespace {

bool promtool_installed() {
  const char* path = std::getenv("PATH");
  std::stringstream directories{path ? path : "/usr/bin:/bin"};
  std::string directory;
  while (std::getline(directories, directory, ':'))
    if (!directory.empty() && std::filesystem::exists(directory + "/promtool")) return true;
  return false;
}

}  // namespace

PromtoolVerdict promtool_check_metrics(const std::string& exposition) {
  PromtoolVerdict verdict;
  verdict.available = promtool_installed();
  if (!verdict.available) return verdict;
  static const auto directory = make_temp_directory("promtool");
  static int counter = 0;
  auto base = directory / ("metrics-" + std::to_string(++counter));
  std::ofstream{base.string() + ".txt"} << exposition;
  ChildProcess check{{.executable = "/bin/sh",
                      .arguments = {"-c", "exec promtool check metrics < \"$1\"", "promtool",
                                    base.string() + ".txt"},
                      .log_path = base.string() + ".log"}};
  auto status = check.wait_for_exit(std::chrono::seconds{30});
  verdict.exit_code = status ? *status : -1;
  verdict.output = check.read_log();
  return verdict;
}

}  // namespace phonebill::test_support
