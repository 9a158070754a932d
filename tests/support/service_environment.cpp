// Reads deploy/services.conf for the fixtures (see service_environment.hpp). Parsing is
// repeated on every call: a fixture starts a handful of processes, and a re-read file
// keeps no state between tests.
#include "support/service_environment.hpp"

#include <fstream>
#include <stdexcept>
#include <utility>
#include <vector>

#include "support/test_environment.hpp"

namespace phonebill::test_support {
namespace {

using Lines = std::vector<std::pair<std::string, std::string>>;  // NAME, template

bool is_variable_name(const std::string& name) {
  if (name.empty() || !(name[0] == '_' || (name[0] >= 'A' && name[0] <= 'Z'))) return false;
  for (char c : name)
    if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

bool is_fact_name(const std::string& name) {
  if (name.empty() || name[0] < 'a' || name[0] > 'z') return false;
  for (char c : name)
    if (!(c == '_' || (c >= 'a' && c <= 'z'))) return false;
  return true;
}

// The variable lines of [common] and of `service`, in file order; facts are skipped.
std::pair<Lines, bool> read_sections(const std::string& file, const std::string& service) {
  std::ifstream in{file};
  if (!in) throw std::runtime_error(file + ": cannot be read");
  Lines lines;
  bool found = false;
  std::string line, section;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos || line[0] == '#') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = line.substr(1, line.size() - 2);
      if (section == service) found = true;
      continue;
    }
    auto equals = line.find('=');
    std::string name = line.substr(0, equals == std::string::npos ? 0 : equals);
    if (section.empty() || equals == std::string::npos ||
        (!is_variable_name(name) && !is_fact_name(name)))
      throw std::runtime_error(file + ":" + std::to_string(number) +
                               ": expected [service], fact=value or NAME=value");
    if (is_variable_name(name) && (section == "common" || section == service))
      lines.emplace_back(name, line.substr(equals + 1));
  }
  return {std::move(lines), found};
}

// ${KEY} and ${KEY:-word} filled from `substitutions`; `where` names the line in errors.
std::string expand(const std::string& where, const std::string& text,
                   const EnvironmentMap& substitutions) {
  std::string out;
  std::size_t position = 0;
  while (true) {
    auto open = text.find("${", position);
    if (open == std::string::npos) break;
    out.append(text, position, open - position);
    auto close = text.find('}', open);
    if (close == std::string::npos) throw std::runtime_error(where + ": malformed placeholder");
    std::string inside = text.substr(open + 2, close - open - 2);
    auto fallback_at = inside.find(":-");
    std::string key = inside.substr(0, fallback_at);
    if (!is_variable_name(key)) throw std::runtime_error(where + ": malformed placeholder");
    auto given = substitutions.find(key);
    if (fallback_at != std::string::npos) {
      bool usable = given != substitutions.end() && !given->second.empty();
      out += usable ? given->second : inside.substr(fallback_at + 2);
    } else if (given != substitutions.end()) {
      out += given->second;
    } else {
      throw std::runtime_error(where + " needs ${" + key + "}, which its starter did not give");
    }
    position = close + 1;
  }
  out.append(text, position);
  return out;
}

}  // namespace

EnvironmentMap service_environment_from(const std::string& description_file,
                                        const std::string& service,
                                        const EnvironmentMap& substitutions,
                                        const EnvironmentMap& overrides) {
  auto [lines, found] = read_sections(description_file, service);
  if (!found || service == "common")
    throw std::runtime_error(description_file + " has no service [" + service + "]");
  EnvironmentMap filled = substitutions;
  filled.try_emplace("ROOT", source_directory());
  EnvironmentMap environment;
  for (const auto& [name, value] : lines)
    environment[name] = expand(description_file + ": [" + service + "] " + name, value, filled);
  std::erase_if(environment, [](const auto& entry) { return entry.second.empty(); });
  for (const auto& [name, value] : overrides) environment[name] = value;
  return environment;
}

EnvironmentMap service_environment(const std::string& service, const EnvironmentMap& substitutions,
                                   const EnvironmentMap& overrides) {
  return service_environment_from(source_directory() + "/deploy/services.conf", service,
                                  substitutions, overrides);
}

std::string loopback_url(int port) { return "http://127.0.0.1:" + std::to_string(port); }

}  // namespace phonebill::test_support
