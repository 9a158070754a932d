// Static hosting of the web app's build folder (SPEC §4): files under the root, SPA
// fallback to index.html for app routes, long-lived caching for hashed assets and
// no-cache for index.html, a placeholder page while no web app is built, and the
// build's precompressed <file>.br or <file>.gz for clients that accept Brotli or gzip
// (Brotli first: a third smaller on the app's JavaScript). Files are served from
// memory (memory_files.hpp: loaded at start, re-read by refresh() when they change), so
// a request never waits on the disk. Nothing outside the root is ever served: paths are
// checked (request_path.hpp), and the files were taken only from inside the real root,
// symlinks followed. Entry point: StaticSite::serve.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "http/response.hpp"
#include "memory_files.hpp"

namespace phonebill::gateway {

// "application/javascript; charset=utf-8" etc. by extension; octet-stream if unknown.
std::string_view content_type_for(std::string_view file_name);
// True when an Accept-Encoding value admits `coding` ("br", "gzip"): named or "*", and
// not refused with q=0 ("gzip;q=0").
bool accepts_coding(std::string_view accept_encoding, std::string_view coding);
inline bool accepts_gzip(std::string_view accept_encoding) {
  return accepts_coding(accept_encoding, "gzip");
}
// True for names a bundler gives content hashes ("index-4f3a9c1b.js", "app.4f3a9c1b.css")
// and anything under "assets/": those never change, so browsers may keep them a year.
bool is_hashed_asset(std::string_view relative_path);

class StaticSite {
 public:
  // Reads the files under `root` now; `root` need not exist yet (then every app route
  // gets the placeholder page until a refresh() finds it).
  explicit StaticSite(std::filesystem::path root);

  // The real file a request path names inside the root, or nullopt (not there, not a
  // regular file, outside the root after resolving symlinks, or a refused path).
  std::optional<std::filesystem::path> resolve(std::string_view request_path) const;

  // Re-reads the files if they changed on disk; true if they did. Off the event loop.
  bool refresh() { return files_.refresh(); }

  // The answer for GET/HEAD `request_path`: the file, index.html for app routes (no
  // extension in the last segment) that name no file, the placeholder when there is no
  // index.html, else 404 NOT_FOUND (an error response for `request`).
  http::Response serve(const http::Request& request) const;

 private:
  // The file a request path names (a directory's index.html), with its relative path.
  std::shared_ptr<const MemoryFile> lookup(std::string_view request_path,
                                           std::string& relative) const;

  MemoryFiles files_;
};

// A self-contained HTML page shown at / until the web app is built.
const std::string& placeholder_page();

}  // namespace phonebill::gateway
