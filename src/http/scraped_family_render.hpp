// Turns ScrapedFamily values and this process's own facts (process_*, build info) into
// prometheus-cpp MetricFamily values for the text serializer. Used by Metrics::render and
// the gateway's admin /metrics; the only place besides metrics.cpp that needs the
// prometheus-cpp family structs.
#pragma once
#include <prometheus/metric_family.h>

#include <vector>

#include "http/scraped_family.hpp"

namespace phonebill::http {

prometheus::MetricFamily to_family(const ScrapedFamily& family);

// process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
// process_open_fds, process_max_fds, process_start_time_seconds: the names and meanings
// of the official Prometheus clients, read from getrusage and /proc at call time.
std::vector<prometheus::MetricFamily> process_families();

// phonebill_build_info{version, commit} 1 (version: the CMake project's; commit: the
// source tree's `git rev-parse --short=12 HEAD` when the build was configured).
prometheus::MetricFamily build_info_family();

}  // namespace phonebill::http
