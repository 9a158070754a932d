// A reader for Prometheus text exposition, enough for ops/status's scrape.
#include "prometheus_text.hpp"

#include <charconv>
#include <cstdlib>

namespace phonebill::gateway {
namespace {

bool wanted(std::string_view name, const std::vector<std::string>& suffixes) {
  if (suffixes.empty()) return true;
  for (const auto& suffix : suffixes)
    if (name.ends_with(suffix)) return true;
  return false;
}

// Parses `{a="x",b="y"}` starting at text[position] == '{'; moves position past '}'.
bool parse_labels(std::string_view text, std::size_t& position,
                  std::map<std::string, std::string>& labels) {
  ++position;
  while (position < text.size()) {
    if (text[position] == '}') {
      ++position;
      return true;
    }
    auto equals = text.find('=', position);
    if (equals == std::string_view::npos || equals + 1 >= text.size() || text[equals + 1] != '"')
      return false;
    std::string key{text.substr(position, equals - position)};
    std::string value;
    std::size_t i = equals + 2;
    for (; i < text.size() && text[i] != '"'; ++i) {
      if (text[i] == '\\' && i + 1 < text.size()) {
        ++i;
        value.push_back(text[i] == 'n' ? '\n' : text[i]);
      } else {
        value.push_back(text[i]);
      }
    }
    if (i >= text.size()) return false;
    labels.emplace(std::move(key), std::move(value));
    position = i + 1;
    if (position < text.size() && text[position] == ',') ++position;
  }
  return false;
}

}  // namespace

std::vector<MetricSample> parse_prometheus_text(std::string_view text,
                                                const std::vector<std::string>& suffixes) {
  std::vector<MetricSample> samples;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    auto line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty() || line.front() == '#') continue;
    auto name_end = line.find_first_of("{ ");
    if (name_end == std::string_view::npos) continue;
    MetricSample sample;
    sample.name = std::string{line.substr(0, name_end)};
    if (!wanted(sample.name, suffixes)) continue;
    std::size_t position = name_end;
    if (line[position] == '{' && !parse_labels(line, position, sample.labels)) continue;
    while (position < line.size() && line[position] == ' ') ++position;
    auto number_end = line.find(' ', position);
    std::string number{line.substr(position, number_end == std::string_view::npos
                                                 ? std::string_view::npos
                                                 : number_end - position)};
    char* parsed_end = nullptr;
    sample.value = std::strtod(number.c_str(), &parsed_end);
    if (number.empty() || parsed_end != number.c_str() + number.size()) continue;
    samples.push_back(std::move(sample));
  }
  return samples;
}

}  // namespace phonebill::gateway
