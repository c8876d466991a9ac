// The 64-bit Mersenne Twister of Matsumoto and Nishimura with the parameters
// of std::mt19937_64 ([rand.predef]): the same outputs for the same seed,
// made a block of 312 at a time in vectorisable loops instead of one call
// at a time. The bootstrap draws ten million of them per 1000 resamples of
// 10,000 rows, where std::mt19937_64 took a third of the time.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace psyscore::detail {

class Mt19937_64 {
 public:
  using result_type = std::uint64_t;
  static constexpr std::size_t kStateSize = 312;

  // std::mt19937_64(seed)'s state.
  explicit Mt19937_64(std::uint64_t seed);

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~result_type{0}; }
  result_type operator()() {
    if (next_ == kStateSize) refill();
    return block_[next_++];
  }

 private:
  // Advances the state by one twist and tempers its 312 words into block_.
  void refill();

  std::array<std::uint64_t, kStateSize> state_;
  std::array<std::uint64_t, kStateSize> block_;
  std::size_t next_ = kStateSize;
};

}  // namespace psyscore::detail
