// Blocking HTTP probes (see http_probe.hpp): enough of HTTP/1.1 to read a status line,
// and the whole answer for the contract capture.
#include "support/http_probe.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "support/response_capture.hpp"

namespace phonebill::test_support {
namespace {

// Closes the socket on every path.
struct Socket {
  int fd = -1;
  ~Socket() {
    if (fd >= 0) ::close(fd);
  }
};

bool send_all(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t written = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (written <= 0) return false;
    sent += static_cast<std::size_t>(written);
  }
  return true;
}

constexpr std::size_t kResponseLimit = 2 * 1024 * 1024;

std::string lower(std::string text) {
  for (auto& c : text) c = char(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// The body of a chunked answer (sizes in hex, each chunk followed by CRLF).
std::string dechunk(std::string_view chunked) {
  std::string body;
  for (;;) {
    const auto line_end = chunked.find("\r\n");
    if (line_end == std::string_view::npos) break;
    std::size_t size = 0;
    try {
      size = std::stoul(std::string{chunked.substr(0, line_end)}, nullptr, 16);
    } catch (const std::exception&) {
      break;
    }
    if (size == 0 || line_end + 2 + size > chunked.size()) break;
    body.append(chunked.substr(line_end + 2, size));
    chunked.remove_prefix(std::min(chunked.size(), line_end + 2 + size + 2));
  }
  return body;
}

// Whether `response` holds a whole answer by its own framing (a server that keeps the
// connection open despite "Connection: close" must not cost a timeout).
bool is_complete(const std::string& response) {
  const auto head_end = response.find("\r\n\r\n");
  if (head_end == std::string::npos) return false;
  const auto head = lower(response.substr(0, head_end));
  const auto body_size = response.size() - head_end - 4;
  if (head.find("\r\ntransfer-encoding: chunked") != std::string::npos)
    return response.ends_with("\r\n0\r\n\r\n");
  const auto length = head.find("\r\ncontent-length:");
  if (length == std::string::npos) return false;
  try {
    return body_size >= std::stoul(head.substr(length + 17));
  } catch (const std::exception&) {
    return false;
  }
}

// Hands a whole raw answer to the contract capture (support/response_capture.hpp).
void capture(const std::string& path, int status, std::string_view response) {
  const auto head_end = response.find("\r\n\r\n");
  if (head_end == std::string_view::npos) return;
  CapturedHeaders headers;
  bool chunked = false;
  auto head = response.substr(0, head_end);
  head.remove_prefix(std::min(head.size(), head.find("\r\n") + 2));  // the status line
  while (!head.empty()) {
    auto end = head.find("\r\n");
    auto line = head.substr(0, end);
    head.remove_prefix(end == std::string_view::npos ? head.size() : end + 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    auto name = lower(std::string{line.substr(0, colon)});
    auto value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (name == "transfer-encoding" &&
        lower(std::string{value}).find("chunked") != std::string::npos)
      chunked = true;
    headers.emplace_back(std::move(name), std::string{value});
  }
  auto body = response.substr(head_end + 4);
  capture_response("GET", path, status, headers, chunked ? dechunk(body) : std::string{body});
}

}  // namespace

std::optional<int> http_get_status(std::uint16_t port, const std::string& path,
                                   std::chrono::milliseconds timeout) {
  Socket socket{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  if (socket.fd < 0) return std::nullopt;
  timeval limit{};
  limit.tv_sec = timeout.count() / 1000;
  limit.tv_usec = (timeout.count() % 1000) * 1000;
  ::setsockopt(socket.fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  ::setsockopt(socket.fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(socket.fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    return std::nullopt;
  }
  const std::string request = "GET " + path +
                              " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                              "\r\nConnection: close\r\n\r\n";
  if (!send_all(socket.fd, request)) return std::nullopt;
  // The whole answer: up to its Content-Length or last chunk, else EOF ("Connection:
  // close"), bounded in size and by the socket timeouts.
  std::string response;
  char buffer[4096];
  while (response.size() < kResponseLimit && !is_complete(response)) {
    const ssize_t got = ::recv(socket.fd, buffer, sizeof buffer, 0);
    if (got <= 0) break;
    response.append(buffer, static_cast<std::size_t>(got));
  }
  if (response.size() < 12 || response.compare(0, 5, "HTTP/") != 0) return std::nullopt;
  const auto space = response.find(' ');
  if (space == std::string::npos || space + 4 > response.size()) return std::nullopt;
  int status = 0;
  for (std::size_t index = space + 1; index < space + 4; ++index) {
    if (response[index] < '0' || response[index] > '9') return std::nullopt;
    status = status * 10 + (response[index] - '0');
  }
  capture(path, status, response);
  return status;
}

bool wait_for_http_ok(std::uint16_t port, const std::string& path,
                      std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left <= std::chrono::milliseconds::zero()) return false;
    if (http_get_status(port, path, std::min(left, std::chrono::milliseconds{1000})) == 200) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
}

}  // namespace phonebill::test_support
