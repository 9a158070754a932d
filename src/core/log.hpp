// JSON-lines logging for every service (SPEC §10): one object per line with time,
// level, service, event and the caller's fields. Callers pass masked values only:
// no password, token or full line number may be given to these functions.
#pragma once
#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace phonebill::log {

enum class Level { kDebug, kInfo, kWarn, kError };

// Call once from main(); `level` is debug|info|warn|error. Lines gather in a buffer that
// reaches stdout when full, at once for warn and error lines, every second, and at
// log::flush() and exit (a terminal gets every line at once), so a request's line costs no
// system call; a SIGKILL loses at most about a second of info lines.
void init(std::string service, std::string_view level);
// Writes pending lines (shutdown, before exiting, tests).
void flush();

bool enabled(Level level);
void write(Level level, std::string_view event, boost::json::object fields = {});
// The same line from fields the caller rendered (`,"key":value`..., see
// request_log.hpp's append_field), for a line per request: no JSON object, one buffer.
void write_rendered(Level level, std::string_view event, std::string_view rendered_fields);

inline void debug(std::string_view event, boost::json::object fields = {}) {
  if (enabled(Level::kDebug)) write(Level::kDebug, event, std::move(fields));
}
inline void info(std::string_view event, boost::json::object fields = {}) {
  if (enabled(Level::kInfo)) write(Level::kInfo, event, std::move(fields));
}
inline void warn(std::string_view event, boost::json::object fields = {}) {
  write(Level::kWarn, event, std::move(fields));
}
inline void error(std::string_view event, boost::json::object fields = {}) {
  write(Level::kError, event, std::move(fields));
}

}  // namespace phonebill::log
