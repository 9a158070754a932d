// BufferedStdoutSink: log lines gathered in memory, written to stdout a block at a time.
#include "core/log_stdout_sink.hpp"

#include <cstdio>

namespace phonebill::log {

BufferedStdoutSink::BufferedStdoutSink(std::size_t capacity) : capacity_{capacity} {
  // Room for one long line past the threshold, so the buffer is not regrown on the way.
  buffer_.reserve(capacity_ + 4096);
}

BufferedStdoutSink::~BufferedStdoutSink() {
  // The last lines of a process that returns from main() without log::flush().
  std::lock_guard lock{mutex_};
  write_out();
}

std::size_t BufferedStdoutSink::pending_bytes() {
  std::lock_guard lock{mutex_};
  return buffer_.size();
}

void BufferedStdoutSink::sink_it_(const spdlog::details::log_msg& message) {
  // The formatter appends (it never clears), so the line lands in the buffer directly.
  formatter_->format(message, buffer_);
  if (buffer_.size() >= capacity_) write_out();
}

void BufferedStdoutSink::append_line(std::string_view line, bool flush) {
  std::lock_guard lock{mutex_};
  buffer_.append(line.data(), line.data() + line.size());
  buffer_.push_back('\n');
  if (flush || buffer_.size() >= capacity_) write_out();
}

void BufferedStdoutSink::flush_() { write_out(); }

void BufferedStdoutSink::write_out() {
  if (buffer_.size() == 0) return;
  // Through stdio, not write(2): anything else the process prints to stdout (std::cout)
  // keeps its place among the log lines. A block larger than stdio's own buffer goes
  // straight to the descriptor; a failure (a closed pipe) drops the block, as fwrite would.
  std::fwrite(buffer_.data(), 1, buffer_.size(), stdout);
  std::fflush(stdout);
  std::clearerr(stdout);  // a reader that comes back gets the next block
  buffer_.clear();
}

}  // namespace phonebill::log
