// Runs every fuzz target on seed inputs and on deterministic mutations of them (bit
// flips, byte insertions and deletions, truncations, splices of JSON fragments), so each
// `./phonebill test` fuzzes the parsers a little under ASan/UBSan without libFuzzer.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "core/random.hpp"
#include "fuzz_targets.hpp"

namespace {

using Target = std::function<void(const std::uint8_t*, std::size_t)>;

const std::vector<std::string> kSeeds = {
    R"({"lineNumber":"01012345678","billingMonth":"202611","requestId":"r-1"})",
    R"({"lineNumber":"010-1234-5678","currentProductCode":"5G-STANDARD-001","targetProductCode":"LTE-BASIC-001","requestId":"x"})",
    R"({"success":true,"resultCode":"0000","resultMessage":"ok","data":{"products":[{"productCode":"A","productName":"n","operatorCode":"KT","networkType":"5G","monthlyFee":1,"dataAllowanceGb":-1,"voiceAllowanceMinutes":-1,"smsAllowance":-1,"status":"ACTIVE","description":"d"}]},"timestamp":"2026-11-25T09:30:00+09:00","traceId":"t"})",
    R"({"success":true,"resultCode":"0000","data":{"lineNumber":"01012345678","months":["202611","202610"]}})",
    R"({"latencyMs":5,"jitterMs":1,"errorRate":0.5,"timeoutRate":0.1,"outage":false,"endpoints":{"bill.inquiry":{"latencyMs":9}}})",
    "01012345678",
    "010-1234-5678",
    "2026-11",
    "202611",
    "",
    "{}",
    "[]",
    "null",
};

const std::vector<std::string> kFragments = {
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "null",
    "true",
    "-1",
    "1e308",
    "-0",
    "\\u0000",
    "\"resultCode\":\"9999\"",
    "\"data\":",
    "\"endpoints\":{",
    "99999999999999999999",
    "\xff",
};

// Request heads as clients send them, and the pieces a hostile client splices in.
const std::vector<std::string> kHttpSeeds = {
    "GET "
    "/api/v1/bills/history?page=1&size=20&lineNumber=010-1234-5678&from=2026-01-01&to=2026-02-01"
    "&status=SUCCESS HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer a.b.c\r\n"
    "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\nX-Request-Id: "
    "r-1\r\n\r\n",
    "POST /api/v1/products/change HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    "Content-Length: 2\r\n\r\n{}",
    "GET /api/v1/admin/users/user%2001?q=%ED%95%9C+x&&flag HTTP/1.1\r\nHost: x\r\nAccept-Encoding: "
    "gzip\r\n\r\n",
    "GET /assets/index-4f3a9c1b.js HTTP/1.0\r\n\r\n",
};

const std::vector<std::string> kHttpFragments = {
    "%",
    "%zz",
    "%ff",
    "%00",
    "%2F",
    "%C3%28",
    "%ED%A0%80",
    "+",
    "&",
    "=",
    "?",
    "/",
    "..",
    "//",
    "\r\n",
    ": ",
    "\xff",
    "\xc3",
    "\t",
    "page=",
    "size=99999999999",
    "page=-1",
    "{",
    "}",
    "|",
    "X-Request-Id: ",
    "traceparent: 00-",
    "Content-Length: 99\r\n",
    "Transfer-Encoding: chunked\r\n",
};

std::string mutate(std::string input, phonebill::Random& random,
                   const std::vector<std::string>& fragments = kFragments) {
  int edits = int(random.uniform_int(1, 4));
  for (int i = 0; i < edits; ++i) {
    auto position =
        input.empty() ? 0 : std::size_t(random.uniform_int(0, std::int64_t(input.size())));
    switch (random.uniform_int(0, 4)) {
      case 0:
        if (!input.empty() && position < input.size())
          input[position] = char(input[position] ^ (1 << random.uniform_int(0, 7)));
        break;
      case 1:
        input.insert(position, 1, char(random.uniform_int(0, 255)));
        break;
      case 2:
        if (position < input.size()) input.erase(position, std::size_t(random.uniform_int(1, 8)));
        break;
      case 3:
        input.resize(position);
        break;
      default:
        input.insert(
            position,
            fragments[std::size_t(random.uniform_int(0, std::int64_t(fragments.size()) - 1))]);
    }
  }
  return input;
}

void fuzz(const Target& target, int iterations, const std::vector<std::string>& seeds = kSeeds,
          const std::vector<std::string>& fragments = kFragments) {
  phonebill::SeededRandom random{20261125};
  for (const auto& seed : seeds)
    target(reinterpret_cast<const std::uint8_t*>(seed.data()), seed.size());
  for (int i = 0; i < iterations; ++i) {
    auto input = mutate(seeds[std::size_t(i) % seeds.size()], random, fragments);
    target(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
  }
}

}  // namespace

// No input makes a KOS request parser crash or misbehave.
TEST(FuzzReplay, KosRequests) { fuzz(phonebill::fuzz::parse_kos_requests, 20000); }
// No answer from a (broken or hostile) KOS makes the client-side parsers crash.
TEST(FuzzReplay, KosAnswers) { fuzz(phonebill::fuzz::parse_kos_answers, 20000); }
// Fault settings that parse also round-trip through GET's form.
TEST(FuzzReplay, FaultSettings) { fuzz(phonebill::fuzz::parse_fault_settings, 20000); }
// Line numbers and months that parse round-trip through their output forms.
TEST(FuzzReplay, LineAndMonth) { fuzz(phonebill::fuzz::parse_line_and_month, 50000); }
// No request line, query or header makes the server's checks or what handlers read from a
// request throw or answer 5xx (SPEC §2: a malformed request is a 400).
TEST(FuzzReplay, HttpRequests) {
  fuzz(phonebill::fuzz::parse_http_requests, 30000, kHttpSeeds, kHttpFragments);
}
