// The C++ reader of deploy/services.conf, the one description of how each service is
// started (also read by ./phonebill, bench/ and the browser tests): the environment of a
// service with its ${PLACEHOLDERS} filled, for the integration fixtures. The rules are
// the file's own (see its header); service_environment_test checks that this reader, the
// bash one and the JavaScript one agree.
#pragma once
#include <map>
#include <string>

namespace phonebill::test_support {

using EnvironmentMap = std::map<std::string, std::string>;

// The environment of `service` ([common], then its own section) with each ${KEY} filled
// from `substitutions` (ROOT defaults to the source tree); a variable whose value comes
// out empty is left out. `overrides` are then applied verbatim on top: the fixture's own
// settings, such as a short timeout. Throws std::runtime_error naming the service, the variable and
// the placeholder when a ${KEY} has no substitution, or when the service is not described.
EnvironmentMap service_environment(const std::string& service, const EnvironmentMap& substitutions,
                                   const EnvironmentMap& overrides = {});

// As above, from another description file (the reader's own tests).
EnvironmentMap service_environment_from(const std::string& description_file,
                                        const std::string& service,
                                        const EnvironmentMap& substitutions,
                                        const EnvironmentMap& overrides = {});

// "http://127.0.0.1:<port>": the base URL of a service a fixture started.
std::string loopback_url(int port);

}  // namespace phonebill::test_support
