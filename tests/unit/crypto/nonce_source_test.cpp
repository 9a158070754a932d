// next_nonce (src/crypto/nonce_source.hpp): nonces never repeat, not across threads and
// not between a parent and its forked child (which goes back to libsodium, which aborts a
// child that did not re-initialise it); libsodium's fork check (a getpid() per draw)
// runs once per bulk draw, not once per nonce — counted by interposing getpid() in this
// binary (libsodium calls it through the dynamic linker, so it reaches this definition).
#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <array>
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "crypto/nonce_source.hpp"
#include "security/password_hasher.hpp"

namespace {
std::atomic<long> getpid_calls{0};
}  // namespace

extern "C" pid_t getpid() {
  getpid_calls.fetch_add(1, std::memory_order_relaxed);
  return static_cast<pid_t>(syscall(SYS_getpid));
}

namespace phonebill::crypto {
namespace {

std::string draw() {
  std::string nonce(kNonceSourceBytes, '\0');
  next_nonce(reinterpret_cast<unsigned char*>(nonce.data()));
  return nonce;
}

class NonceSourceTest : public ::testing::Test {
 protected:
  void SetUp() override { security::ensure_sodium_initialized(); }
};

TEST_F(NonceSourceTest, NoncesNeverRepeatAcrossThreads) {
  std::vector<std::vector<std::string>> drawn(4);
  std::vector<std::thread> threads;
  for (auto& mine : drawn)
    threads.emplace_back([&mine] {
      for (int i = 0; i < 2000; ++i) mine.push_back(draw());
    });
  for (auto& thread : threads) thread.join();
  std::set<std::string> distinct;
  for (const auto& mine : drawn) distinct.insert(mine.begin(), mine.end());
  EXPECT_EQ(distinct.size(), 8000u);
}

TEST_F(NonceSourceTest, AThousandNoncesCostAFewForkChecksNotAThousand) {
  draw();  // this thread's buffer exists
  const auto before = getpid_calls.load();
  for (int i = 0; i < 1000; ++i) draw();
  const auto calls = getpid_calls.load() - before;
  EXPECT_GE(calls, 1) << "the interposed getpid() is not reached: the test measures nothing";
  EXPECT_LE(calls, 1000 / 42 + 2);
}

TEST_F(NonceSourceTest, AForkedChildNeverHandsOutItsParentsNextNonce) {
  draw();  // the parent's buffer holds nonces not handed out yet
  int pipe_ends[2];
  ASSERT_EQ(pipe(pipe_ends), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto nonce = draw();
    auto written = write(pipe_ends[1], nonce.data(), nonce.size());
    _exit(written == static_cast<ssize_t>(nonce.size()) ? 0 : 1);
  }
  close(pipe_ends[1]);
  std::string from_child(kNonceSourceBytes, '\0');
  auto got = read(pipe_ends[0], from_child.data(), from_child.size());
  close(pipe_ends[0]);
  int status = 0;
  waitpid(child, &status, 0);
  if (got == 0) {
    // libsodium's own rule: its generator refuses (aborts) in a forked child that did
    // not re-initialise it. The child went back to libsodium instead of its buffer.
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT) << "child status " << status;
    return;
  }
  ASSERT_EQ(got, static_cast<ssize_t>(kNonceSourceBytes));
  EXPECT_NE(draw(), from_child) << "the child reused the parent's buffered nonce";
}

}  // namespace
}  // namespace phonebill::crypto
