// /api/docs (SPEC §4, public): Swagger UI over docs/openapi.yaml. The UI's files come
// from the npm package swagger-ui-dist, which the build installs beside the binary
// (services/gateway/CMakeLists.txt) or PHONEBILL_SWAGGER_UI_DIR names; without it the page
// says so and links the raw document. The page loads only same-origin scripts (our own
// initializer included), so the gateway's CSP needs no inline-script exception. The
// document and the UI's files (the 1.4 MB bundle included) are served from memory
// (memory_files.hpp), re-read by refresh() when they change. Entry point: ApiDocs::serve.
#pragma once
#include <filesystem>
#include <string>

#include "http/request.hpp"
#include "http/response.hpp"
#include "memory_files.hpp"

namespace phonebill::gateway {

class ApiDocs {
 public:
  ApiDocs(std::filesystem::path openapi_file, std::filesystem::path swagger_ui_directory);

  // GET /api/docs, /api/docs/ → the page; /api/docs/openapi.yaml → the document;
  // /api/docs/swagger-initializer.js → ours; /api/docs/<file> → swagger-ui-dist's file.
  http::Response serve(const http::Request& request) const;

  bool has_swagger_ui() const;

  // Re-reads the document and the UI's files if they changed on disk; off the event loop.
  bool refresh();

 private:
  std::string openapi_name_;
  MemoryFiles openapi_;     // the document's directory, that one file only
  MemoryFiles swagger_ui_;  // swagger-ui-dist's top-level files
};

// Where the build puts swagger-ui-dist: <directory of the running binary>/swagger-ui/
// node_modules/swagger-ui-dist.
std::filesystem::path default_swagger_ui_directory();

}  // namespace phonebill::gateway
