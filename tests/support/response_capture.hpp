// Contract capture: the responses integration tests see, for tests/contract/ to check
// against docs/openapi.yaml. When PHONEBILL_CONTRACT_CAPTURE names a file, each response
// read by a test HTTP helper is appended to it as one JSON line {method, target, status,
// contentType, headers, body, bodyTruncated}; unset, capture_response does nothing.
// Several test processes append to one file at once: each line is a single O_APPEND write.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace phonebill::test_support {

using CapturedHeaders = std::vector<std::pair<std::string, std::string>>;

// Records one response to `method target`. Header names are recorded lower-cased; the
// body only when it is text (JSON or text/*), at most 1 MiB of it.
void capture_response(std::string_view method, std::string_view target, int status,
                      const CapturedHeaders& headers, std::string_view body);

}  // namespace phonebill::test_support
