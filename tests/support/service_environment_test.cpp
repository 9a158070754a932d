// Tests of the readers of deploy/services.conf: the C++ one (service_environment.hpp)
// on its rules, and the bash (deploy/service_environment.sh) and JavaScript
// (tests/e2e/service_environment.mjs) ones against it, so that ./phonebill, bench/, the
// fixtures and the browser tests start every service the same way.
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include "core/config.hpp"
#include "http/server.hpp"
#include "support/child_process.hpp"
#include "support/service_environment.hpp"
#include "support/test_environment.hpp"

namespace phonebill::test_support {
namespace {

using namespace std::chrono_literals;

std::string real_description() { return source_directory() + "/deploy/services.conf"; }

// A small description in a file of its own.
std::string description(const std::string& text) {
  auto file = make_temp_directory("services-conf") / "services.conf";
  std::ofstream{file} << text;
  return file.string();
}

const char* const kSample = R"(# a sample
[common]
PHONEBILL_HTTP_PORT=${PORT}
PHONEBILL_LOG_LEVEL=info
PHONEBILL_INSTANCE=${INSTANCE:-}

[alpha]
port=1
PHONEBILL_LOG_LEVEL=debug
PHONEBILL_UPSTREAM=${BETA_URL}/v1,${BETA_URL:-none}
PHONEBILL_NAME=${NAME:-alpha}
EMPTY=

[beta]
scales=n
PHONEBILL_DIR=${ROOT}/db
)";

std::string error_of(const auto& call) {
  try {
    call();
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "no error";
}

TEST(ServiceEnvironmentTest, FillsPlaceholdersAndServiceLinesReplaceCommonOnes) {
  auto file = description(kSample);
  auto environment = service_environment_from(file, "alpha", {{"PORT", "8"}, {"BETA_URL", "u"}});
  EnvironmentMap expected{{"PHONEBILL_HTTP_PORT", "8"},
                          {"PHONEBILL_LOG_LEVEL", "debug"},
                          {"PHONEBILL_UPSTREAM", "u/v1,u"},
                          {"PHONEBILL_NAME", "alpha"}};
  EXPECT_EQ(environment, expected);  // facts, empty values and ${INSTANCE:-} left out
}

TEST(ServiceEnvironmentTest, FallbackWordAppliesOnlyWhenTheSubstitutionIsMissingOrEmpty) {
  auto file = description(kSample);
  auto given = service_environment_from(
      file, "alpha", {{"PORT", "8"}, {"BETA_URL", "u"}, {"NAME", "n"}, {"INSTANCE", "alpha-2"}});
  EXPECT_EQ(given.at("PHONEBILL_NAME"), "n");
  EXPECT_EQ(given.at("PHONEBILL_INSTANCE"), "alpha-2");
  auto empty = service_environment_from(file, "alpha", {{"PORT", "8"}, {"BETA_URL", ""}});
  EXPECT_EQ(empty.at("PHONEBILL_UPSTREAM"), "/v1,none");
}

TEST(ServiceEnvironmentTest, OverridesApplyVerbatimOnTop) {
  auto file = description(kSample);
  auto environment = service_environment_from(file, "alpha", {{"PORT", "8"}, {"BETA_URL", "u"}},
                                              {{"PHONEBILL_LOG_LEVEL", "warn"}, {"EXTRA", "1"}});
  EXPECT_EQ(environment.at("PHONEBILL_LOG_LEVEL"), "warn");
  EXPECT_EQ(environment.at("EXTRA"), "1");
}

TEST(ServiceEnvironmentTest, RootDefaultsToTheSourceTree) {
  auto environment = service_environment_from(description(kSample), "beta", {{"PORT", "8"}});
  EXPECT_EQ(environment.at("PHONEBILL_DIR"), source_directory() + "/db");
}

TEST(ServiceEnvironmentTest, MissingSubstitutionIsAnErrorNamingServiceVariableAndPlaceholder) {
  auto file = description(kSample);
  auto message = error_of([&] { service_environment_from(file, "alpha", {{"PORT", "8"}}); });
  EXPECT_NE(message.find("[alpha] PHONEBILL_UPSTREAM needs ${BETA_URL}"), std::string::npos)
      << message;
}

TEST(ServiceEnvironmentTest, UnknownServiceAndMalformedLinesAreErrors) {
  auto file = description(kSample);
  EXPECT_NE(error_of([&] { service_environment_from(file, "gamma", {}); }).find("[gamma]"),
            std::string::npos);
  EXPECT_NE(error_of([&] { service_environment_from(file, "common", {}); }), "no error");
  auto bad = description("[alpha]\nnot a line\n");
  EXPECT_NE(error_of([&] { service_environment_from(bad, "alpha", {}); }).find(":2:"),
            std::string::npos);
}

// The wiring every substitution set of the real description must provide.
EnvironmentMap standard_substitutions() {
  return {{"PORT", "1001"},
          {"DATABASE_URL", "postgresql://x@127.0.0.1:1/db"},
          {"REDIS_URL", "redis://127.0.0.1:2/3"},
          {"SECRETS_DIR", "/tmp/secrets"},
          {"ADMIN_PORT", "1002"},
          {"WEB_DIR", "/tmp/web"},
          {"CUSTOMERS", "100"},
          {"KOS_SIM_URL", "http://127.0.0.1:1003"},
          {"AUTH_URL", "http://127.0.0.1:1004,http://127.0.0.1:1104"},
          {"BILL_INQUIRY_URL", "http://127.0.0.1:1005"},
          {"PRODUCT_CHANGE_URL", "http://127.0.0.1:1006"}};
}

const std::vector<std::string> kServices{"kos-sim", "auth", "bill-inquiry", "product-change",
                                         "gateway"};

// Each service gets the wiring it reads (the variables its configuration requires).
TEST(ServiceEnvironmentTest, RealDescriptionWiresEveryService) {
  auto subs = standard_substitutions();
  auto kos = service_environment("kos-sim", subs);
  EXPECT_EQ(kos.at("PHONEBILL_MIGRATIONS_DIR"), source_directory() + "/db/kos");
  EXPECT_EQ(kos.at("KOS_SIM_CUSTOMERS"), "100");
  EXPECT_EQ(kos.count("KOS_SIM_ADMIN_TOKEN"), 0u);  // empty: loopback-only admin
  auto auth = service_environment("auth", subs);
  EXPECT_EQ(auth.at("PHONEBILL_SECRETS_DIR"), "/tmp/secrets");
  EXPECT_EQ(auth.at("PHONEBILL_REDIS_URL"), "redis://127.0.0.1:2/3");
  for (const auto* service : {"bill-inquiry", "product-change"}) {
    auto environment = service_environment(service, subs);
    EXPECT_EQ(environment.at("PHONEBILL_UPSTREAM_KOS_SIM"), "http://127.0.0.1:1003") << service;
    EXPECT_EQ(environment.at("PHONEBILL_UPSTREAM_AUTH"), subs.at("AUTH_URL")) << service;
    EXPECT_EQ(environment.at("PHONEBILL_DATABASE_URL"), subs.at("DATABASE_URL")) << service;
  }
  auto gateway = service_environment("gateway", subs);
  EXPECT_EQ(gateway.at("PHONEBILL_ADMIN_PORT"), "1002");
  EXPECT_EQ(gateway.at("PHONEBILL_UPSTREAM_PRODUCT_CHANGE"), "http://127.0.0.1:1006");
  EXPECT_EQ(gateway.count("PHONEBILL_DATABASE_URL"), 0u);
  for (const auto& service : kServices)
    EXPECT_EQ(service_environment(service, subs).at("PHONEBILL_HTTP_PORT"), "1001") << service;
}

// The description's [common] settings are the HTTP server's compiled-in defaults, so a
// fixture that overrides none runs a service as the service would run with nothing set.
TEST(ServiceEnvironmentTest, CommonSettingsEqualTheServersCompiledInDefaults) {
  auto environment = service_environment("kos-sim", standard_substitutions());
  const http::ServerOptions defaults;
  auto described =
      http::ServerOptions::from_environment(Environment::from_map(environment), "kos-sim", 0);
  EXPECT_EQ(described.address, defaults.address);
  EXPECT_EQ(described.io_threads, defaults.io_threads);
  EXPECT_EQ(described.body_limit, defaults.body_limit);
  EXPECT_EQ(described.header_limit, defaults.header_limit);
  EXPECT_EQ(described.idle_timeout, defaults.idle_timeout);
  EXPECT_EQ(described.header_timeout, defaults.header_timeout);
  EXPECT_EQ(described.request_deadline, defaults.request_deadline);
  EXPECT_EQ(described.shutdown_grace, defaults.shutdown_grace);
  EXPECT_EQ(described.access_log, defaults.access_log);
}

// Runs a reader in a child process; its NAME=value lines, or the exit status when it failed.
struct ReaderOutput {
  int status = -1;
  EnvironmentMap environment;
};

ReaderOutput run_reader(std::vector<std::string> command) {
  static int counter = 0;
  auto log = make_temp_directory("reader") / ("out-" + std::to_string(counter++));
  ChildProcessOptions options{
      .executable = command.front(),
      .arguments = std::vector<std::string>(command.begin() + 1, command.end()),
      .log_path = log.string()};
  ChildProcess child{options};
  ReaderOutput output;
  output.status = child.wait_for_exit(30s).value_or(-1);
  std::istringstream lines{child.read_log()};
  for (std::string line; std::getline(lines, line);) {
    auto equals = line.find('=');
    if (equals != std::string::npos)
      output.environment[line.substr(0, equals)] = line.substr(equals + 1);
  }
  return output;
}

std::vector<std::string> arguments(const std::string& file, const std::string& service,
                                   const EnvironmentMap& subs) {
  std::vector<std::string> result{file, service};
  for (const auto& [key, value] : subs) result.push_back(key + "=" + value);
  return result;
}

ReaderOutput bash_reader(const std::string& file, const std::string& service,
                         const EnvironmentMap& subs) {
  // Every argument after the script becomes $1...; ROOT as the fixtures preset it.
  std::vector<std::string> command{
      "bash", "-c",
      "set -eu; ROOT=$1; die() { echo \"$*\" >&2; exit 1; }; PHONEBILL_SERVICES_FILE=$2; "
      "source \"$ROOT/deploy/service_environment.sh\"; shift 2; service_environment \"$@\"; "
      "printf '%s\\n' \"${SERVICE_ENV[@]}\"",
      "reader", source_directory()};
  for (auto& argument : arguments(file, service, subs)) command.push_back(argument);
  return run_reader(command);
}

ReaderOutput javascript_reader(const std::string& file, const std::string& service,
                               const EnvironmentMap& subs) {
  std::vector<std::string> command{"node",
                                   source_directory() + "/tests/e2e/service_environment.mjs"};
  for (auto& argument : arguments(file, service, subs)) command.push_back(argument);
  return run_reader(command);
}

bool node_present() { return std::system("command -v node >/dev/null 2>&1") == 0; }

TEST(ServiceEnvironmentTest, BashAndJavaScriptReadersAgreeWithThisOne) {
  if (!node_present()) GTEST_SKIP() << "node is not installed";
  auto subs = standard_substitutions();
  subs["INSTANCE"] = "auth-2";
  for (const auto& service : kServices) {
    auto expected = service_environment(service, subs);
    auto bash = bash_reader(real_description(), service, subs);
    auto javascript = javascript_reader(real_description(), service, subs);
    EXPECT_EQ(bash.status, 0) << service;
    EXPECT_EQ(javascript.status, 0) << service;
    EXPECT_EQ(bash.environment, expected) << service;
    EXPECT_EQ(javascript.environment, expected) << service;
  }
  auto sample = description(kSample);
  EnvironmentMap sample_subs{{"PORT", "8"}, {"BETA_URL", ""}, {"NAME", "n"}};
  auto expected = service_environment_from(sample, "alpha", sample_subs);
  EXPECT_EQ(bash_reader(sample, "alpha", sample_subs).environment, expected);
  EXPECT_EQ(javascript_reader(sample, "alpha", sample_subs).environment, expected);
  // A missing substitution fails every reader.
  EXPECT_NE(bash_reader(sample, "alpha", {{"PORT", "8"}}).status, 0);
  EXPECT_NE(javascript_reader(sample, "alpha", {{"PORT", "8"}}).status, 0);
}

}  // namespace
}  // namespace phonebill::test_support
