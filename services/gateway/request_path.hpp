// Request paths the gateway accepts, and the file a static path may name. Every path is
// checked before routing (is_canonical_path): no dot segments, no empty segments, no
// encoded '/', '\', '.', NUL or control characters, so a prefix rule can never be
// bypassed by a path an upstream or the file system would read differently.
// static_relative_path then maps a web-app path to a relative file name; StaticSite
// (static_site.hpp) resolves it inside the web root, symlinks included.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace phonebill::gateway {

// True for "/" and "/seg/seg..." whose segments are non-empty, not "." or "..", and
// hold only printable ASCII other than '\', with well-formed %XX escapes that decode to
// neither '/', '\', '.', '%', NUL nor a control character. A trailing '/' is allowed.
bool is_canonical_path(std::string_view path);

// The percent-decoded relative file path of a canonical web-app path ("/assets/a.js" →
// "assets/a.js", "/" → ""). nullopt when a decoded segment starts with '.' (hidden files
// and anything dot-like stay unreachable) or the path is not canonical.
std::optional<std::string> static_relative_path(std::string_view path);

}  // namespace phonebill::gateway
