// A directory tree held in memory, so the web app and the API docs are served without
// file I/O on the event loop (issue 12 item 9): read at start, re-read when a cheap scan
// (names, sizes, modification times) finds a change. The scan and the re-read run on
// FileRefresher's thread, never on the loop; requests only copy a snapshot pointer.
// Entry points: MemoryFiles::find, MemoryFiles::refresh, FileRefresher.
#pragma once
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace phonebill::gateway {

struct MemoryFile {
  std::string content;
  std::filesystem::path real_path;  // after symlinks, inside the real root
};

class MemoryFiles {
 public:
  // Which relative paths ("assets/a.js") to keep; empty: every file.
  using Filter = std::function<bool(std::string_view relative_path)>;

  // Loads the tree now. `root` need not exist yet (then nothing is found until it does).
  // Hidden names (leading '.') are skipped, and so are symlinks that lead out of the
  // root and symlinked directories; files over 32 MiB are skipped, and so is
  // everything past 256 MiB in total.
  explicit MemoryFiles(std::filesystem::path root, Filter filter = {});

  // The file at a relative path, or nullptr. Never touches the disk.
  std::shared_ptr<const MemoryFile> find(std::string_view relative_path) const;

  // Re-reads the tree if a scan finds it changed since the last load; true if it did.
  // Blocks on the disk: call it off the event loop (FileRefresher does).
  bool refresh();

 private:
  using Files = std::unordered_map<std::string, std::shared_ptr<const MemoryFile>>;
  struct Entry;
  std::vector<Entry> scan() const;
  void load(const std::vector<Entry>& entries);

  std::filesystem::path root_;
  Filter filter_;
  mutable std::mutex mutex_;  // guards files_ (the pointer, not the files)
  std::shared_ptr<const Files> files_;
  std::string fingerprint_;  // of the last load: relative path, size, mtime per file
  bool loaded_ = false;
};

// Calls each refresh function every `interval` on one background thread until destroyed.
class FileRefresher {
 public:
  FileRefresher(std::vector<std::function<bool()>> refreshers, std::chrono::milliseconds interval);
  ~FileRefresher();
  FileRefresher(const FileRefresher&) = delete;
  FileRefresher& operator=(const FileRefresher&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace phonebill::gateway
