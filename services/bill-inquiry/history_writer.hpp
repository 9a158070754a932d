// Where bill-inquiry's history is written (SPEC §5): write() resumes once the entry is
// durable (true) or could not be made so (false) — an answer is only given after its
// history is committed. GroupCommitWriter (group_commit_writer.hpp) batches the commits;
// the unit tests use an in-memory writer. Entry point: HistoryWriter::write.
#pragma once
#include <boost/asio/awaitable.hpp>

#include "history_records.hpp"

namespace phonebill::bill {

class HistoryWriter {
 public:
  virtual ~HistoryWriter() = default;
  // `entry` must outlive the call (co_await it at once): a copy in every caller's and
  // writer's coroutine frame would cost each frame its place in Asio's frame cache.
  virtual boost::asio::awaitable<bool> write(const HistoryEntry& entry) = 0;
};

}  // namespace phonebill::bill
