// The libFuzzer entry point of one target: each fuzz_<target> executable is
// this file compiled with PSYSCORE_FUZZ_TARGET naming the target's function.

#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return psyscore::fuzz::PSYSCORE_FUZZ_TARGET(data, size);
}
