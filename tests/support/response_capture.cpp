// Contract capture: see response_capture.hpp.
#include "support/response_capture.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <mutex>

namespace phonebill::test_support {
namespace {

constexpr std::size_t kBodyLimit = 1024 * 1024;

std::string lower(std::string_view text) {
  std::string result{text};
  for (auto& c : result) c = char(std::tolower(static_cast<unsigned char>(c)));
  return result;
}

// JSON and text bodies are kept; anything else (compressed assets, ...) is recorded as
// absent, since the document describes no binary answer.
bool is_text(std::string_view content_type) {
  auto type = lower(content_type);
  return type.find("json") != std::string::npos || type.rfind("text/", 0) == 0;
}

}  // namespace

void capture_response(std::string_view method, std::string_view target, int status,
                      const CapturedHeaders& headers, std::string_view body) {
  // Read on every call (cheap next to an HTTP exchange), so a test may point it elsewhere.
  const char* const path = std::getenv("PHONEBILL_CONTRACT_CAPTURE");
  if (path == nullptr || *path == '\0') return;
  boost::json::object line;
  line["method"] = method;
  line["target"] = target;
  line["status"] = status;
  std::string content_type;
  boost::json::object header_values;
  for (const auto& [name, value] : headers) {
    auto key = lower(name);
    if (key == "content-type") content_type = value;
    header_values[key] = value;
  }
  line["contentType"] = content_type;
  line["headers"] = std::move(header_values);
  if (is_text(content_type)) {
    line["body"] = body.substr(0, std::min(body.size(), kBodyLimit));
    line["bodyTruncated"] = body.size() > kBodyLimit;
  } else {
    line["body"] = nullptr;
  }
  auto text = boost::json::serialize(line);
  text += '\n';
  // One write per line under a process-wide lock: O_APPEND keeps lines of concurrent
  // processes whole, the lock keeps this process's threads from interleaving.
  static std::mutex mutex;
  std::lock_guard lock{mutex};
  int fd = ::open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;
  std::size_t written = 0;
  while (written < text.size()) {
    auto result = ::write(fd, text.data() + written, text.size() - written);
    if (result <= 0) break;
    written += static_cast<std::size_t>(result);
  }
  ::close(fd);
}

}  // namespace phonebill::test_support
