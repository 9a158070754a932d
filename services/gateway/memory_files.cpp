// A directory tree held in memory and re-read when it changes (web app, API docs).
#include "memory_files.hpp"

#include <algorithm>
#include <fstream>
#include <optional>

#include "core/log.hpp"

#include <sys/stat.h>

namespace phonebill::gateway {

namespace fs = std::filesystem;

namespace {

constexpr std::uintmax_t kMaxFileBytes = 32 * 1024 * 1024;
constexpr std::uintmax_t kMaxTotalBytes = 256 * 1024 * 1024;

bool is_inside(const fs::path& real, const fs::path& real_root) {
  const auto& root_text = real_root.native();
  const auto& real_text = real.native();
  return real_text.size() > root_text.size() && real_text.starts_with(root_text) &&
         real_text[root_text.size()] == '/';
}

std::optional<std::string> read_whole_file(const fs::path& path, std::uintmax_t size) {
  std::ifstream in{path, std::ios::binary};
  if (!in) return std::nullopt;
  std::string content(size, '\0');
  in.read(content.data(), std::streamsize(size));
  if (std::size_t(in.gcount()) != size) return std::nullopt;
  return content;
}

}  // namespace

struct MemoryFiles::Entry {
  std::string relative;
  fs::path real;
  std::uintmax_t size = 0;
  std::int64_t modified = 0;  // nanoseconds since the epoch
};

MemoryFiles::MemoryFiles(fs::path root, Filter filter)
    : root_(std::move(root)), filter_(std::move(filter)), files_(std::make_shared<Files>()) {
  refresh();
}

std::shared_ptr<const MemoryFile> MemoryFiles::find(std::string_view relative_path) const {
  std::shared_ptr<const Files> files;
  {
    std::lock_guard lock{mutex_};
    files = files_;
  }
  auto found = files->find(std::string{relative_path});
  return found == files->end() ? nullptr : found->second;
}

std::vector<MemoryFiles::Entry> MemoryFiles::scan() const {
  std::vector<Entry> entries;
  std::error_code error;
  auto real_root = fs::canonical(root_, error);
  if (error || !fs::is_directory(real_root, error)) return entries;
  fs::recursive_directory_iterator walk{real_root, fs::directory_options::skip_permission_denied,
                                        error};
  for (; !error && walk != fs::recursive_directory_iterator{}; walk.increment(error)) {
    const auto& entry = *walk;
    auto name = entry.path().filename().native();
    bool directory = entry.is_directory(error);
    // Symlinked directories are not followed: they could loop or lead anywhere.
    if (!name.empty() && name.front() == '.') {
      if (directory) walk.disable_recursion_pending();
      continue;
    }
    if (directory) continue;
    if (!entry.is_regular_file(error)) continue;
    Entry found;
    found.relative = entry.path().lexically_relative(real_root).generic_string();
    if (filter_ && !filter_(found.relative)) continue;
    // A plain file's path is already its real path: the walk starts at the real root and
    // never enters a symlinked directory. Only a symlinked file is resolved, and counts only
    // if it still lies inside the root: fs::canonical is a readlink per path component,
    // and resolving every file made ~600 failing readlink calls a second (issue 17).
    if (entry.is_symlink(error)) {
      found.real = fs::canonical(entry.path(), error);
      if (error || !is_inside(found.real, real_root)) {
        error.clear();
        continue;
      }
    } else {
      found.real = entry.path();
    }
    // One stat for the size and the time (file_size and last_write_time are one each).
    struct stat status {};
    if (::stat(found.real.c_str(), &status) != 0) continue;
    found.size = std::uintmax_t(status.st_size);
    found.modified = std::int64_t(status.st_mtim.tv_sec) * 1'000'000'000 + status.st_mtim.tv_nsec;
    entries.push_back(std::move(found));
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.relative < b.relative; });
  return entries;
}

void MemoryFiles::load(const std::vector<Entry>& entries) {
  auto files = std::make_shared<Files>();
  std::uintmax_t total = 0;
  for (const auto& entry : entries) {
    if (entry.size > kMaxFileBytes || total + entry.size > kMaxTotalBytes) {
      log::warn("static_file_skipped", {{"file", entry.relative}, {"bytes", entry.size}});
      continue;
    }
    auto content = read_whole_file(entry.real, entry.size);
    if (!content) continue;
    total += entry.size;
    files->emplace(entry.relative,
                   std::make_shared<MemoryFile>(MemoryFile{std::move(*content), entry.real}));
  }
  std::lock_guard lock{mutex_};
  files_ = std::move(files);
}

bool MemoryFiles::refresh() {
  auto entries = scan();
  std::string fingerprint;
  for (const auto& entry : entries) {
    fingerprint.append(entry.relative).push_back('\0');
    fingerprint.append(std::to_string(entry.size)).push_back(' ');
    fingerprint.append(std::to_string(entry.modified)).push_back('\n');
  }
  // Only refresh() touches fingerprint_, from one thread at a time (start-up, then the refresher).
  if (loaded_ && fingerprint == fingerprint_) return false;
  loaded_ = true;
  fingerprint_ = std::move(fingerprint);
  load(entries);
  return true;
}

FileRefresher::FileRefresher(std::vector<std::function<bool()>> refreshers,
                             std::chrono::milliseconds interval) {
  thread_ = std::thread([this, refreshers = std::move(refreshers), interval] {
    std::unique_lock lock{mutex_};
    while (!wake_.wait_for(lock, interval, [this] { return stopping_; })) {
      lock.unlock();
      for (const auto& refresh : refreshers) {
        try {
          if (refresh()) log::info("static_files_reloaded");
        } catch (const std::exception& failure) {
          log::warn("static_files_reload_failed", {{"error", failure.what()}});
        }
      }
      lock.lock();
    }
  });
}

FileRefresher::~FileRefresher() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

}  // namespace phonebill::gateway
