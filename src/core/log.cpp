// JSON-lines logging: one object per line with time, level, service and event (SPEC §10).
#include "core/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <boost/json/serialize.hpp>

#include <unistd.h>

#include <array>
#include <atomic>
#include <string>

#include "core/instance.hpp"
#include "core/json_text.hpp"
#include "core/log_stdout_sink.hpp"
#include "core/request_log.hpp"
#include "core/seoul_time.hpp"
#include "core/utc_millis_text.hpp"

namespace phonebill::log {
namespace {

std::string g_service = "phonebill";
std::atomic<int> g_level{int(Level::kInfo)};
std::shared_ptr<spdlog::logger> g_logger;
// init()'s sink, which lines are handed to directly (see emit).
std::shared_ptr<BufferedStdoutSink> g_sink;
// Per level, what every line carries between its time and its event, rendered once by
// init() (the service and instance never change after it): `","level":…,"event":`.
std::array<std::string, 4> g_heads;

std::shared_ptr<spdlog::logger> logger() {
  if (!g_logger) {
    // Tests and tools that never call init() still get synchronous stdout lines.
    static auto fallback = [] {
      auto created = std::make_shared<spdlog::logger>(
          "phonebill-sync", std::make_shared<spdlog::sinks::stdout_sink_mt>());
      created->set_pattern("%v");
      return created;
    }();
    return fallback;
  }
  return g_logger;
}

const char* level_name(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

// The line goes to spdlog at its own level so that flush_on(warn) writes warn and error
// lines at once (every line passes the logger's filter: enabled() already chose).
spdlog::level::level_enum spdlog_level(Level level) {
  switch (level) {
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarn:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

// Bytes of lines gathered before a write: ~150 access lines, so the log costs well under
// one system call per hundred requests; the 1 s timer writes whatever a quiet second left.
constexpr std::size_t kLogBufferBytes = 64 * 1024;

// The part of a line between its time and its event (see g_heads).
std::string head_text(Level level) {
  std::string head = "\"";
  append_field(head, "level", std::string_view{level_name(level)});
  append_field(head, "service", g_service);
  append_field(head, "instance", process_instance());
  head.append(R"(,"event":)");
  return head;
}

// One finished line (no newline) to stdout's buffer. init()'s sink takes it directly,
// not through spdlog's logger (a log_msg that reads the clock again, the pattern
// formatter, a second copy: ~1,000 instructions an access line, issue 17 item 2), deciding
// the flush as the logger does: at once from its flush_on level up (warn, or every line
// on a terminal). Lines of a process that never called init() go through the logger.
void emit(Level level, std::string_view line) {
  if (!g_sink) {
    logger()->log(spdlog_level(level), line);
    return;
  }
  const auto line_level = spdlog_level(level);
  try {
    g_sink->append_line(line, line_level >= g_logger->flush_level());
  } catch (const std::exception&) {
    // Out of memory for the buffer: the line is lost, as spdlog's handler would lose it;
    // the request it describes goes on.
  }
}

}  // namespace

void init(std::string service, std::string_view level) {
  g_service = std::move(service);
  if (level == "debug")
    g_level = int(Level::kDebug);
  else if (level == "warn")
    g_level = int(Level::kWarn);
  else if (level == "error")
    g_level = int(Level::kError);
  else
    g_level = int(Level::kInfo);
  // Synchronous: a line is formatted into the sink's buffer on the caller's thread (no
  // queue, no wake-up of a logging thread); the buffer reaches stdout when full, on a warn
  // or error line, every second and at shutdown (docs/decisions.md "Log lines are written in blocks").
  g_sink = std::make_shared<BufferedStdoutSink>(kLogBufferBytes);
  g_logger = std::make_shared<spdlog::logger>(g_service, g_sink);
  g_logger->set_pattern("%v");
  g_logger->set_level(spdlog::level::trace);
  // Someone reading a terminal sees each line as it happens; files and pipes get blocks.
  g_logger->flush_on(::isatty(STDOUT_FILENO) ? spdlog::level::trace : spdlog::level::warn);
  spdlog::flush_every(std::chrono::seconds{1});
  spdlog::register_logger(g_logger);
  for (auto level : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError})
    g_heads[std::size_t(level)] = head_text(level);
}

void flush() { logger()->flush(); }

bool enabled(Level level) { return int(level) >= g_level.load(std::memory_order_relaxed); }

void write(Level level, std::string_view event, boost::json::object fields) {
  boost::json::object line;
  line.reserve(fields.size() + 5);
  line["time"] = iso8601_utc_millis(std::chrono::system_clock::now());
  line["level"] = level_name(level);
  line["service"] = g_service;
  // Which copy wrote the line, once several run behind a balancer (PHONEBILL_INSTANCE).
  line["instance"] = process_instance();
  line["event"] = event;
  for (auto& field : fields) line[field.key()] = std::move(field.value());
  emit(level, boost::json::serialize(line));
}

void write_rendered(Level level, std::string_view event, std::string_view rendered_fields) {
  // One buffer per thread, reused line after line; the sink copies it into its own.
  thread_local std::string line;
  thread_local UtcMillisText time_text;
  // clear and append, not assign: assign(const char*) is the general _M_replace.
  line.clear();
  line.append(std::string_view{R"({"time":")"});
  time_text.append(line, std::chrono::system_clock::now());
  const auto& head = g_heads[std::size_t(level)];
  if (!head.empty())
    line.append(head);
  else
    line.append(head_text(level));  // before init(): tests and tools
  append_json_string(line, event);
  line.append(rendered_fields).push_back('}');
  emit(level, line);
}

}  // namespace phonebill::log
