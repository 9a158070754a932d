// What was built: the project version and the commit the build tree was configured
// from (generated into build_info.cpp by CMake, src/http/build_info.cpp.in).
#pragma once

namespace phonebill::http {

const char* build_version();  // "1.0.0"
const char* build_commit();   // 12 hex digits, or "unknown" outside a git checkout

}  // namespace phonebill::http
