// The log's buffering: lines wait in memory until the buffer is full, a warn or error line
// comes, or the log is flushed, so a line per request costs no system call.
#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <unistd.h>

#include <boost/json/parse.hpp>

#include <chrono>
#include <cstdio>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "core/log.hpp"
#include "core/log_stdout_sink.hpp"
#include "core/request_log.hpp"

namespace phonebill::log {
namespace {

// Points the process's stdout (descriptor 1) at a temporary file for the test's length,
// so a test reads exactly what has reached the descriptor so far.
class StdoutToFile {
 public:
  StdoutToFile() : file_{std::tmpfile()} {
    std::fflush(stdout);
    saved_ = ::dup(STDOUT_FILENO);
    ::dup2(::fileno(file_), STDOUT_FILENO);
  }
  ~StdoutToFile() {
    std::fflush(stdout);
    ::dup2(saved_, STDOUT_FILENO);
    ::close(saved_);
    std::fclose(file_);
  }
  StdoutToFile(const StdoutToFile&) = delete;
  StdoutToFile& operator=(const StdoutToFile&) = delete;

  std::string written() const {
    std::string text(1 << 16, '\0');
    auto read = ::pread(::fileno(file_), text.data(), text.size(), 0);
    text.resize(read > 0 ? std::size_t(read) : 0);
    return text;
  }

 private:
  std::FILE* file_;
  int saved_ = -1;
};

std::shared_ptr<spdlog::logger> buffered_logger(const std::shared_ptr<BufferedStdoutSink>& sink) {
  auto logger = std::make_shared<spdlog::logger>("buffered-test", sink);
  logger->set_pattern("%v");
  return logger;
}

TEST(BufferedStdoutSinkTest, HoldsLinesUntilFlushed) {
  StdoutToFile output;
  auto sink = std::make_shared<BufferedStdoutSink>(4096);
  auto logger = buffered_logger(sink);
  logger->info("first");
  logger->info("second");
  EXPECT_EQ(sink->pending_bytes(), 13u);
  EXPECT_EQ(output.written(), "");
  logger->flush();
  EXPECT_EQ(sink->pending_bytes(), 0u);
  EXPECT_EQ(output.written(), "first\nsecond\n");
}

TEST(BufferedStdoutSinkTest, WritesTheBufferWhenItIsFull) {
  StdoutToFile output;
  auto sink = std::make_shared<BufferedStdoutSink>(10);
  auto logger = buffered_logger(sink);
  logger->info("12345");
  EXPECT_EQ(output.written(), "");
  logger->info("67890");
  EXPECT_EQ(sink->pending_bytes(), 0u);
  EXPECT_EQ(output.written(), "12345\n67890\n");
}

TEST(BufferedStdoutSinkTest, WritesWhatIsLeftWhenDestroyed) {
  StdoutToFile output;
  {
    auto sink = std::make_shared<BufferedStdoutSink>(4096);
    buffered_logger(sink)->info("last words");
  }
  EXPECT_EQ(output.written(), "last words\n");
}

// log::init's logger: an info line waits (for the 1 s timer or a full buffer), a warn line
// is written at once and takes the waiting lines with it, in order. (Before, every line
// was handed to a logging thread that wrote and flushed it on its own: the info line was
// on stdout at once.)
TEST(LogTest, InfoLinesWaitAndAWarnLineWritesThemAll) {
  StdoutToFile output;  // before init(): it asks whether stdout is a terminal
  init("log-test", "info");
  info("waits", {{"n", 1}});
  std::this_thread::sleep_for(std::chrono::milliseconds{100});
  EXPECT_EQ(output.written(), "");
  warn("written_at_once", {{"n", 2}});
  auto written = output.written();
  auto waited = written.find(R"("event":"waits")");
  auto warned = written.find(R"("event":"written_at_once")");
  ASSERT_NE(waited, std::string::npos) << written;
  ASSERT_NE(warned, std::string::npos) << written;
  EXPECT_LT(waited, warned);
  EXPECT_NE(written.find(R"("level":"warn")"), std::string::npos) << written;
  flush();
}

// The two ways to write a line give the same text: write_rendered (the access log's
// fields rendered by hand, handed to the sink directly) and write (a JSON object through
// boost::json), time apart: same keys in the same order, same escapes, same numbers.
TEST(LogTest, ARenderedLineIsTheTextOfTheSameObjectWritten) {
  StdoutToFile output;
  init("log-test-rendered", "info");
  const std::string agent = "agent \"quoted\" back\\slash\nnew\tline\x01 \xea\xb0\x80";
  const std::string traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  std::string fields;
  append_request_ids(fields, "req-1", traceparent);
  append_field(fields, "method", std::string_view{"GET"});
  append_field(fields, "status", std::int64_t{200});
  append_field(fields, "bytesOut", std::uint64_t{105});
  append_field(fields, "userAgent", agent);
  write_rendered(Level::kInfo, "access", fields);
  write(Level::kInfo, "access",
        {{"requestId", "req-1"},
         {"traceId", "4bf92f3577b34da6a3ce929d0e0e4736"},
         {"spanId", "00f067aa0ba902b7"},
         {"method", "GET"},
         {"status", 200},
         {"bytesOut", 105},
         {"userAgent", agent}});
  flush();
  const auto written = output.written();
  const auto end_of_first = written.find('\n');
  ASSERT_NE(end_of_first, std::string::npos) << written;
  const auto rendered = written.substr(0, end_of_first);
  const auto object = written.substr(end_of_first + 1, written.size() - end_of_first - 2);
  ASSERT_EQ(written.back(), '\n');
  // {"time":"2026-11-25T00:30:05.007Z", then the rest
  const std::regex time_text{R"(\{"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z",.*)"};
  EXPECT_TRUE(std::regex_match(rendered, time_text)) << rendered;
  EXPECT_TRUE(std::regex_match(object, time_text)) << object;
  constexpr std::size_t kAfterTime = 35;
  EXPECT_EQ(rendered.substr(kAfterTime), object.substr(kAfterTime));
  EXPECT_TRUE(rendered.substr(kAfterTime).starts_with(
      R"("level":"info","service":"log-test-rendered","instance":")"))
      << rendered;
  auto parsed = boost::json::parse(rendered).as_object();
  EXPECT_EQ(std::string(parsed.at("userAgent").as_string()), agent);
  EXPECT_EQ(parsed.at("event").as_string(), "access");
  std::vector<std::string> keys;
  for (const auto& field : parsed) keys.emplace_back(field.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"time", "level", "service", "instance", "event",
                                            "requestId", "traceId", "spanId", "method", "status",
                                            "bytesOut", "userAgent"}));
}

// The access line's own path keeps the log's buffering: info lines wait, a warn line is
// written at once and takes them along, in order; log::flush() writes what waits.
TEST(LogTest, RenderedInfoLinesWaitAndAWarnLineWritesThemAll) {
  StdoutToFile output;
  init("log-test-rendered-flush", "info");
  write_rendered(Level::kInfo, "first", R"(,"n":1)");
  write_rendered(Level::kInfo, "second", R"(,"n":2)");
  EXPECT_EQ(output.written(), "");
  write_rendered(Level::kWarn, "third", R"(,"n":3)");
  auto written = output.written();
  auto first = written.find(R"("event":"first","n":1})");
  auto second = written.find(R"("event":"second","n":2})");
  auto third = written.find(R"("level":"warn")");
  ASSERT_NE(first, std::string::npos) << written;
  ASSERT_NE(second, std::string::npos) << written;
  ASSERT_NE(third, std::string::npos) << written;
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
  write_rendered(Level::kInfo, "fourth", "");
  EXPECT_EQ(output.written(), written);
  flush();
  EXPECT_NE(output.written().substr(written.size()).find(R"("event":"fourth"})"),
            std::string::npos)
      << output.written();
}

}  // namespace
}  // namespace phonebill::log
