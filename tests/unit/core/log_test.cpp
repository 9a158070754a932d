// The log's buffering: lines wait in memory until the buffer is full, a warn or error line
// comes, or the log is flushed, so a line per request costs no system call.
#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "core/log.hpp"
#include "core/log_stdout_sink.hpp"

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

}  // namespace
}  // namespace phonebill::log
