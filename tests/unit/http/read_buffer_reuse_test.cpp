// The server's read buffers across keep-alive requests (issue 17 item 1): an idle
// connection holds no read buffer, yet a closed loop of requests on one connection must
// not allocate a fresh 8 KiB block for each request. A binary of its own because it
// replaces the global operator new to count those blocks.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "http/recycled_blocks.hpp"
#include "server_fixture.hpp"

namespace {
// Read blocks the process allocated while `counting` was on.
std::atomic<bool> counting{false};
std::atomic<long> read_blocks_allocated{0};
}  // namespace

void* operator new(std::size_t bytes) {
  if (bytes == phonebill::http::kReadBlockBytes && counting.load(std::memory_order_relaxed))
    read_blocks_allocated.fetch_add(1, std::memory_order_relaxed);
  if (void* memory = std::malloc(bytes == 0 ? 1 : bytes)) return memory;
  throw std::bad_alloc{};
}
void operator delete(void* memory) noexcept { std::free(memory); }
void operator delete(void* memory, std::size_t) noexcept { std::free(memory); }

namespace phonebill::http::testing {
namespace {

// Sends one GET on a blocking loopback socket and reads its whole answer; false on any
// failure.
bool exchange(int descriptor, std::string& answer) {
  const std::string request = "GET /items/7 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  if (::send(descriptor, request.data(), request.size(), 0) != ssize_t(request.size()))
    return false;
  answer.clear();
  char chunk[2048];
  for (;;) {
    auto head_end = answer.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      auto length_at = answer.find("Content-Length: ");
      if (length_at != std::string::npos &&
          answer.size() >= head_end + 4 + std::stoul(answer.substr(length_at + 16)))
        return answer.starts_with("HTTP/1.1 200");
    }
    auto got = ::recv(descriptor, chunk, sizeof chunk, 0);
    if (got <= 0) return false;
    answer.append(chunk, std::size_t(got));
  }
}

TEST_F(ServerTest, KeepAliveRequestsReuseReadBlocks) {
  ServerOptions options;
  options.io_threads = 1;
  start(demo_routes(), options);
  int descriptor = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(descriptor, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port_);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{5, 0};
  ::setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ASSERT_EQ(::connect(descriptor, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  std::string answer;
  answer.reserve(4096);
  ASSERT_TRUE(exchange(descriptor, answer));  // warms the caches
  constexpr int kRequests = 50;
  counting = true;
  // Each request after a pause: the server has answered and found nothing more to read,
  // so the connection went idle and released its buffer before the next one arrives.
  for (int i = 0; i < kRequests; ++i) {
    std::this_thread::sleep_for(3ms);
    ASSERT_TRUE(exchange(descriptor, answer)) << "request " << i;
  }
  counting = false;
  ::close(descriptor);
  // Before the blocks were recycled: one per request (50).
  EXPECT_LE(read_blocks_allocated.load(), 2)
      << "8 KiB read blocks allocated for " << kRequests << " keep-alive requests";
}

TEST(ReadBlockCache, RecyclesBlocksUpToItsBound) {
  RecyclingAllocator<char> allocator;
  char* first = allocator.allocate(kReadBlockBytes);
  allocator.deallocate(first, kReadBlockBytes);
  EXPECT_EQ(allocator.allocate(kReadBlockBytes), first);  // the same block again
  std::vector<char*> blocks{first};
  for (std::size_t i = 0; i < ReadBlockCache::kMaxBlocks + 4; ++i)
    blocks.push_back(allocator.allocate(kReadBlockBytes));
  for (char* block : blocks) allocator.deallocate(block, kReadBlockBytes);
  EXPECT_EQ(ReadBlockCache::cached(), ReadBlockCache::kMaxBlocks);  // the rest were freed
  // Other sizes are plain allocations.
  char* other = allocator.allocate(100);
  allocator.deallocate(other, 100);
  EXPECT_EQ(ReadBlockCache::cached(), ReadBlockCache::kMaxBlocks);
}

}  // namespace
}  // namespace phonebill::http::testing
