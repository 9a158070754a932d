// Fuzz targets for the parsers that take untrusted input: KOS request bodies (kos-sim),
// KOS answers (the KOS clients), fault settings (kos-sim's admin API), line numbers and
// billing months (every service), and HTTP request heads (every service's server: request
// line, query and headers must never end in a 5xx). Each target must return normally for any input;
// the sanitizers turn memory errors and UB into crashes. Driven by fuzz_replay_test.cpp in every
// test run, and by libFuzzer when built with clang (see CMakeLists.txt).
#pragma once
#include <cstddef>
#include <cstdint>

namespace phonebill::fuzz {

void parse_kos_requests(const std::uint8_t* data, std::size_t size);
void parse_kos_answers(const std::uint8_t* data, std::size_t size);
void parse_fault_settings(const std::uint8_t* data, std::size_t size);
void parse_line_and_month(const std::uint8_t* data, std::size_t size);
void parse_http_requests(const std::uint8_t* data, std::size_t size);

}  // namespace phonebill::fuzz
