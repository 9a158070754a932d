// A stand-in OpenTelemetry collector inside the test process: POST /v1/traces on a
// loopback port (point PHONEBILL_OTLP_ENDPOINT at url()) takes OTLP/HTTP JSON, keeps every
// span it received with the resource's service.name, and answers 200 {} as a collector
// does. Bodies that are not the OTLP JSON mapping are refused (400) and counted, so a
// mapping mistake fails the tests that use it. Entry point: StandInCollector.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace phonebill::test_support {

struct ReceivedSpan {
  std::string service;  // the resource's service.name
  std::string trace_id;
  std::string span_id;
  std::string parent_span_id;  // empty for a root
  std::string name;
  int kind = 0;
  std::uint64_t start_unix_nano = 0;
  std::uint64_t end_unix_nano = 0;
  std::vector<std::pair<std::string, std::string>> attributes;  // values as JSON text
  int status_code = 0;

  double milliseconds() const { return double(end_unix_nano - start_unix_nano) / 1e6; }
  std::string attribute(const std::string& key) const;
};

class StandInCollector {
 public:
  StandInCollector();  // starts serving at once
  ~StandInCollector();
  StandInCollector(const StandInCollector&) = delete;
  StandInCollector& operator=(const StandInCollector&) = delete;

  std::string url() const;  // http://127.0.0.1:<port>
  // The spans of `trace_id` received so far.
  std::vector<ReceivedSpan> spans_of(const std::string& trace_id) const;
  // Waits (up to `timeout`) until the spans of `trace_id` satisfy `done`; returns them.
  std::vector<ReceivedSpan> wait_for(
      const std::string& trace_id,
      const std::function<bool(const std::vector<ReceivedSpan>&)>& done,
      std::chrono::milliseconds timeout) const;
  int refused_bodies() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The trace as an indented tree (service, name, duration), for failure messages and docs.
std::string describe_trace(const std::vector<ReceivedSpan>& spans);

}  // namespace phonebill::test_support
