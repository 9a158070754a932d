// A blocking loopback TCP connection for tests that speak to a server byte by byte (idle
// and allocation counts): header-only, so the light test binaries need no support library.
// Entry points: connect_loopback, read_answer.
#pragma once
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdint>
#include <charconv>
#include <string>

namespace phonebill::test_support {

// A connection to 127.0.0.1:`port` whose receives give up after 5 s, or -1.
inline int connect_loopback(std::uint16_t port) {
  int descriptor = ::socket(AF_INET, SOCK_STREAM, 0);
  if (descriptor < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{5, 0};
  ::setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (::connect(descriptor, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(descriptor);
    return -1;
  }
  return descriptor;
}

// Reads one whole answer (its head and a Content-Length body) into `answer`; false if the
// connection ended or timed out first.
inline bool read_answer(int descriptor, std::string& answer) {
  answer.clear();
  char chunk[2048];
  for (;;) {
    auto head_end = answer.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      // The length read in place: the allocation tests count this side's allocations too.
      auto length_at = answer.find("Content-Length: ");
      std::size_t length = 0;
      if (length_at != std::string::npos &&
          std::from_chars(answer.data() + length_at + 16, answer.data() + answer.size(), length)
                  .ec == std::errc{} &&
          answer.size() >= head_end + 4 + length)
        return true;
    }
    auto got = ::recv(descriptor, chunk, sizeof chunk, 0);
    if (got <= 0) return false;
    answer.append(chunk, std::size_t(got));
  }
}

}  // namespace phonebill::test_support
