// What an idle keep-alive connection costs the server in heap (issue 17 item 4): between
// requests a connection must hold no parser, request or response, only its socket, its
// timer and the waiting session. Counted with the allocator's own statistics (the
// sanitizer's under ASan, glibc's otherwise), the clients being plain sockets that
// allocate nothing.
#include <malloc.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "server_fixture.hpp"

#if defined(__SANITIZE_ADDRESS__)
// The sanitizer runtime's count of bytes in use (GCC ships no header declaring it).
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
#endif

namespace phonebill::http::testing {
namespace {

std::size_t heap_in_use() {
#if defined(__SANITIZE_ADDRESS__)
  return __sanitizer_get_current_allocated_bytes();
#else
  return mallinfo2().uordblks;
#endif
}

// A blocking loopback connection that has sent one request and read its whole answer;
// -1 if any step failed.
int connection_after_one_request(std::uint16_t port) {
  int descriptor = ::socket(AF_INET, SOCK_STREAM, 0);
  if (descriptor < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{5, 0};
  ::setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string request = "GET /items/7 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  bool sent = ::connect(descriptor, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
              ::send(descriptor, request.data(), request.size(), 0) == ssize_t(request.size());
  std::string answer;
  char chunk[2048];
  while (sent) {
    auto head_end = answer.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      auto length_at = answer.find("Content-Length: ");
      if (length_at != std::string::npos &&
          answer.size() >= head_end + 4 + std::stoul(answer.substr(length_at + 16)))
        return descriptor;
    }
    auto got = ::recv(descriptor, chunk, sizeof chunk, 0);
    if (got <= 0) break;
    answer.append(chunk, std::size_t(got));
  }
  ::close(descriptor);
  return -1;
}

TEST_F(ServerTest, IdleKeepAliveConnectionHoldsLittleHeap) {
  ServerOptions options;
  options.io_threads = 1;  // as the benches run it: no strand per connection
  start(demo_routes(), options);
  constexpr int kConnections = 200;
  std::vector<int> connections;
  connections.reserve(kConnections);
  // The first connection warms the loop's caches (handler memory, the metrics' series).
  int first = connection_after_one_request(port_);
  ASSERT_GE(first, 0);
  std::this_thread::sleep_for(100ms);
  auto before = heap_in_use();
  for (int i = 0; i < kConnections; ++i) {
    int descriptor = connection_after_one_request(port_);
    ASSERT_GE(descriptor, 0) << "connection " << i;
    connections.push_back(descriptor);
  }
  std::this_thread::sleep_for(200ms);  // every session back to waiting for its next request
  auto after = heap_in_use();
  for (int descriptor : connections) ::close(descriptor);
  ::close(first);
  auto per_connection = (long(after) - long(before)) / kConnections;
  RecordProperty("heap_bytes_per_idle_connection", int(per_connection));
  std::printf("heap bytes per idle keep-alive connection: %ld\n", per_connection);
  // When the idle wait ran inside the session's coroutine, each idle connection held
  // that coroutine's frames (with the parser, message, Request and Response) and a
  // watchdog coroutine (5.1 KB here at 5b9907d); now its Connection, its state and one
  // socket wait (0.9 KB).
  EXPECT_LT(per_connection, 1200) << "heap bytes per idle keep-alive connection";
}

}  // namespace
}  // namespace phonebill::http::testing
