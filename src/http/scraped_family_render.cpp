// ScrapedFamily → prometheus::MetricFamily, and the process_* and build-info families.
#include "http/scraped_family_render.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "http/build_info.hpp"

namespace phonebill::http {
namespace {

prometheus::MetricFamily one_value(std::string name, std::string help, prometheus::MetricType type,
                                   double value) {
  return to_family(ScrapedFamily{
      std::move(name), std::move(help),
      type == prometheus::MetricType::Counter ? ScrapedKind::kCounter : ScrapedKind::kGauge,
      [value] {
        return std::vector<ScrapedSample>{{{}, value}};
      }});
}

double cpu_seconds() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  auto seconds = [](const timeval& time) { return double(time.tv_sec) + time.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// /proc/self/statm: size and resident, in pages.
std::pair<double, double> virtual_and_resident_bytes() {
  std::ifstream statm{"/proc/self/statm"};
  double size = 0, resident = 0;
  statm >> size >> resident;
  double page = double(sysconf(_SC_PAGESIZE));
  return {size * page, resident * page};
}

double open_fds() {
  DIR* directory = opendir("/proc/self/fd");
  if (directory == nullptr) return 0;
  double count = 0;
  while (const dirent* entry = readdir(directory))
    if (entry->d_name[0] != '.') ++count;
  closedir(directory);
  return count - 1;  // the descriptor opendir itself holds
}

double max_fds() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  return double(limit.rlim_cur);
}

// Seconds since the epoch when this process started: its start in clock ticks after boot
// (/proc/self/stat field 22) plus the boot time (/proc/stat btime). Read once: it never
// changes.
double read_start_time() {
  std::ifstream stat_file{"/proc/self/stat"};
  std::string stat{std::istreambuf_iterator<char>(stat_file), {}};
  auto after_name = stat.rfind(')');  // the command name may hold spaces
  if (after_name == std::string::npos) return 0;
  std::istringstream fields{stat.substr(after_name + 2)};
  std::string field;
  for (int number = 3; number < 22 && fields >> field; ++number) {
  }
  unsigned long long start_ticks = 0;
  fields >> start_ticks;
  std::ifstream system_stat{"/proc/stat"};
  std::string line;
  double boot_time = 0;
  while (std::getline(system_stat, line))
    if (line.starts_with("btime ")) boot_time = std::stod(line.substr(6));
  return boot_time + double(start_ticks) / double(sysconf(_SC_CLK_TCK));
}

}  // namespace

prometheus::MetricFamily to_family(const ScrapedFamily& family) {
  prometheus::MetricFamily result;
  result.name = family.name;
  result.help = family.help;
  result.type = family.kind == ScrapedKind::kCounter ? prometheus::MetricType::Counter
                                                     : prometheus::MetricType::Gauge;
  for (auto& sample : family.read()) {
    prometheus::ClientMetric metric;
    for (auto& [name, value] : sample.labels) metric.label.push_back({name, value});
    if (family.kind == ScrapedKind::kCounter)
      metric.counter.value = sample.value;
    else
      metric.gauge.value = sample.value;
    result.metric.push_back(std::move(metric));
  }
  return result;
}

std::vector<prometheus::MetricFamily> process_families() {
  static const double start_time = read_start_time();
  auto [virtual_bytes, resident_bytes] = virtual_and_resident_bytes();
  using prometheus::MetricType;
  return {
      one_value("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                MetricType::Counter, cpu_seconds()),
      one_value("process_resident_memory_bytes", "Resident memory size in bytes.",
                MetricType::Gauge, resident_bytes),
      one_value("process_virtual_memory_bytes", "Virtual memory size in bytes.", MetricType::Gauge,
                virtual_bytes),
      one_value("process_open_fds", "Number of open file descriptors.", MetricType::Gauge,
                open_fds()),
      one_value("process_max_fds", "Maximum number of open file descriptors.", MetricType::Gauge,
                max_fds()),
      one_value("process_start_time_seconds",
                "Start time of the process since unix epoch in seconds.", MetricType::Gauge,
                start_time),
  };
}

prometheus::MetricFamily build_info_family() {
  return to_family(ScrapedFamily{
      "phonebill_build_info", "The version and commit this binary was built from; always 1",
      ScrapedKind::kGauge, [] {
        return std::vector<ScrapedSample>{
            {{{"version", build_version()}, {"commit", build_commit()}}, 1}};
      }});
}

}  // namespace phonebill::http
