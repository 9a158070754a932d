// libFuzzer entry point; PHONEBILL_FUZZ_TARGET names the target (see CMakeLists.txt).
#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  phonebill::fuzz::PHONEBILL_FUZZ_TARGET(data, size);
  return 0;
}
