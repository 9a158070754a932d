// Which copy of a service this process is (PHONEBILL_INSTANCE, e.g. "bill-inquiry-2"):
// read in this one place, shown in every log line, on /readyz and in the
// phonebill_instance_info metric. Entry points: instance_name, process_instance.
#pragma once
#include <string>

#include "core/config.hpp"

namespace phonebill {

// PHONEBILL_INSTANCE from `environment`; unset or empty: the host name (a Kubernetes
// pod's name), else "local". At most 64 of [A-Za-z0-9._-]; anything else is a ConfigError.
std::string instance_name(const Environment& environment);

// instance_name of the process environment, read once; log lines carry it.
const std::string& process_instance();

}  // namespace phonebill
