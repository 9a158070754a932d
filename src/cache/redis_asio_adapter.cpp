// The hiredis ↔ Asio adapter (STYLE §7). hiredis 0.14.1 asks for five hooks: add/del read,
// add/del write (all idempotent) and cleanup. Each "add" keeps one async_wait armed on a
// stream_descriptor; its handler forwards readiness to redisAsyncHandleRead/Write.
//
// Re-entrancy: hiredis may call cleanup from inside redisAsyncHandleRead/Write (server
// closed the socket) and, in 0.14.1, twice in a row. cleanup therefore only detaches
// (context pointer cleared, hooks unset, descriptor released so pending waits abort) and
// drops the adapter's self-reference; the running handler holds its own reference, so the
// free is deferred until it returns, and it checks for detachment before touching anything.
#include "cache/redis_asio_adapter.hpp"

#include <hiredis/async.h>

#include <boost/asio/posix/stream_descriptor.hpp>

#include <memory>

namespace phonebill::cache::detail {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

class AsioRedisEvents : public std::enable_shared_from_this<AsioRedisEvents> {
 public:
  AsioRedisEvents(redisAsyncContext* context, const asio::any_io_executor& executor)
      : context_(context), descriptor_(executor) {}

  // Takes the context's fd under watch and installs the hooks. False on failure.
  static bool attach(redisAsyncContext* context, const asio::any_io_executor& executor) {
    auto events = std::make_shared<AsioRedisEvents>(context, executor);
    error_code error;
    events->descriptor_.assign(context->c.fd, error);
    if (error) return false;
    events->self_ = events;
    context->ev.data = events.get();
    context->ev.addRead = &AsioRedisEvents::add_read;
    context->ev.delRead = &AsioRedisEvents::del_read;
    context->ev.addWrite = &AsioRedisEvents::add_write;
    context->ev.delWrite = &AsioRedisEvents::del_write;
    context->ev.cleanup = &AsioRedisEvents::cleanup;
    events->want_read_ = events->want_write_ = true;
    events->arm_read();
    events->arm_write();
    return true;
  }

  ~AsioRedisEvents() {
    // Only reached after detach(): the fd was handed back, never closed here.
    if (descriptor_.is_open()) descriptor_.release();
  }

 private:
  // ---- hooks (called by hiredis on the executor) -------------------------------------
  static void add_read(void* data) {
    auto* events = static_cast<AsioRedisEvents*>(data);
    events->want_read_ = true;
    events->arm_read();
  }
  static void del_read(void* data) { static_cast<AsioRedisEvents*>(data)->want_read_ = false; }
  static void add_write(void* data) {
    auto* events = static_cast<AsioRedisEvents*>(data);
    events->want_write_ = true;
    events->arm_write();
  }
  static void del_write(void* data) { static_cast<AsioRedisEvents*>(data)->want_write_ = false; }
  static void cleanup(void* data) { static_cast<AsioRedisEvents*>(data)->detach(); }

  // ---- waits --------------------------------------------------------------------------
  // A "del" leaves an armed wait in place; when it fires unwanted it is simply dropped,
  // which is cheaper than cancelling (cancel would also abort the other direction).
  void arm_read() {
    if (context_ == nullptr || !want_read_ || read_armed_) return;
    read_armed_ = true;
    descriptor_.async_wait(
        asio::posix::descriptor_base::wait_read, [self = shared_from_this()](error_code error) {
          self->on_ready(error, self->read_armed_, self->want_read_, &redisAsyncHandleRead);
        });
  }

  void arm_write() {
    if (context_ == nullptr || !want_write_ || write_armed_) return;
    write_armed_ = true;
    descriptor_.async_wait(
        asio::posix::descriptor_base::wait_write, [self = shared_from_this()](error_code error) {
          self->on_ready(error, self->write_armed_, self->want_write_, &redisAsyncHandleWrite);
        });
  }

  // Runs one readiness event. `handle` may free the context (cleanup → detach); the
  // caller's `self` keeps this object alive, and context_ == nullptr says we detached.
  void on_ready(error_code error, bool& armed, const bool& wanted,
                void (*handle)(redisAsyncContext*)) {
    armed = false;
    if (error || context_ == nullptr || !wanted) return;
    handle(context_);
    arm_read();  // both are no-ops once detached or when the direction is unwanted
    arm_write();
  }

  void detach() {
    redisAsyncContext* context = context_;
    if (context == nullptr) return;  // hiredis 0.14.1 calls cleanup twice on disconnect
    context_ = nullptr;
    context->ev.addRead = context->ev.delRead = nullptr;
    context->ev.addWrite = context->ev.delWrite = nullptr;
    context->ev.cleanup = nullptr;
    context->ev.data = nullptr;
    want_read_ = want_write_ = false;
    descriptor_.release();  // aborts pending waits; hiredis closes the fd in redisFree
    self_.reset();          // deferred free: pending or running handlers still hold `self`
  }

  redisAsyncContext* context_;
  asio::posix::stream_descriptor descriptor_;
  std::shared_ptr<AsioRedisEvents> self_;  // owner while attached
  bool want_read_ = false;
  bool want_write_ = false;
  bool read_armed_ = false;
  bool write_armed_ = false;
};

}  // namespace

bool attach_asio_adapter(redisAsyncContext* context, const asio::any_io_executor& executor) {
  if (context == nullptr || context->ev.data != nullptr || context->c.fd < 0) return false;
  return AsioRedisEvents::attach(context, executor);
}

}  // namespace phonebill::cache::detail
