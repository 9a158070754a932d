// The sink every service's log lines go through: lines gather in memory and reach stdout in
// large blocks, so a line (the access log's, one per request) costs no system call.
#pragma once
#include <spdlog/details/log_msg.h>
#include <spdlog/sinks/base_sink.h>

#include <cstddef>
#include <mutex>
#include <string_view>

namespace phonebill::log {

// Lines are formatted straight into one reused buffer, written to stdout when it holds
// `capacity` bytes or more and whenever the logger flushes (its flush_on level, the
// registry's flush_every timer, log::flush()), and at destruction. Nothing is written
// while the buffer is empty, so an idle process makes no system call for its log.
class BufferedStdoutSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit BufferedStdoutSink(std::size_t capacity);
  ~BufferedStdoutSink() override;

  BufferedStdoutSink(const BufferedStdoutSink&) = delete;
  BufferedStdoutSink& operator=(const BufferedStdoutSink&) = delete;

  // `line` and a newline appended to the buffer as the logger would (one copy, no
  // log_msg, no formatter: log::write's and log::write_rendered's path, issue 17 item 2);
  // the buffer is written at once when it is full or when `flush` says so (the line's
  // level reached the logger's flush_on level).
  void append_line(std::string_view line, bool flush);

  // Bytes waiting in the buffer (tests).
  std::size_t pending_bytes();

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override;
  void flush_() override;

 private:
  void write_out();

  std::size_t capacity_;
  spdlog::memory_buf_t buffer_;
};

}  // namespace phonebill::log
