#include "scoring/kernels/mt19937_64.hpp"

#include "scoring/kernels/vector_clones.hpp"

namespace psyscore::detail {

namespace {

// std::mt19937_64: word size 64, degree 312, middle word 156, separation 31.
constexpr std::size_t kMiddle = 156;
constexpr std::uint64_t kMatrixA = 0xB5026F5AA96619E9ULL;
constexpr std::uint64_t kUpperMask = ~std::uint64_t{0} << 31;  // the upper 33 bits
constexpr std::uint64_t kLowerMask = ~kUpperMask;
constexpr std::uint64_t kInitMultiplier = 6364136223846793005ULL;

// One twisted word: the upper bits of x, the lower bits of its successor,
// multiplied by A (a shift and, for an odd word, an xor).
inline std::uint64_t twist(std::uint64_t word, std::uint64_t next, std::uint64_t middle) {
  const std::uint64_t y = (word & kUpperMask) | (next & kLowerMask);
  return middle ^ (y >> 1) ^ ((0 - (y & 1)) & kMatrixA);
}

// The state, its next block and the block's tempered outputs are plain
// arrays; the clones differ only in the vector width of these loops.
PSYSCORE_VECTOR_CLONES void twist_and_temper(std::uint64_t* x, std::uint64_t* out) {
  constexpr std::size_t n = Mt19937_64::kStateSize;
  // Words below n - m read only words not yet twisted in this round, words
  // above read ones twisted 156 words earlier: both loops run on vectors.
  for (std::size_t i = 0; i < n - kMiddle; ++i) x[i] = twist(x[i], x[i + 1], x[i + kMiddle]);
  for (std::size_t i = n - kMiddle; i < n - 1; ++i) x[i] = twist(x[i], x[i + 1], x[i + kMiddle - n]);
  x[n - 1] = twist(x[n - 1], x[0], x[kMiddle - 1]);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t z = x[i];
    z ^= (z >> 29) & 0x5555555555555555ULL;
    z ^= (z << 17) & 0x71D67FFFEDA60000ULL;
    z ^= (z << 37) & 0xFFF7EEE000000000ULL;
    z ^= z >> 43;
    out[i] = z;
  }
}

}  // namespace

Mt19937_64::Mt19937_64(std::uint64_t seed) {
  state_[0] = seed;
  for (std::size_t i = 1; i < kStateSize; ++i) {
    state_[i] = kInitMultiplier * (state_[i - 1] ^ (state_[i - 1] >> 62)) + i;
  }
}

void Mt19937_64::refill() {
  twist_and_temper(state_.data(), block_.data());
  next_ = 0;
}

}  // namespace psyscore::detail
