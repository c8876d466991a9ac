// Percentile bootstrap of raw alpha, reproducible for a seed whatever the
// number of threads, and the random streams it (and split-half) draw from.
//
// Random numbers: resample b (0-based) draws from its own std::mt19937_64
// (computed as Mt19937_64, the same generator made faster) seeded with the
// (b+1)-th output of SplitMix64 started at `seed`, i.e.
// mix(seed + (b + 1) * 0x9E3779B97F4A7C15) with SplitMix64's finaliser. A row
// index in [0, n) comes from one 64-bit output by Lemire's multiply-shift
// with rejection (unbiased). Both generators are fully specified, so a seed
// gives the same resamples on every platform and for any thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "psyscore/deadline.hpp"

namespace psyscore::detail {

// One SplitMix64 step (Steele, Lea & Flood 2014): advances `state`, returns the output.
std::uint64_t splitmix64(std::uint64_t& state);

// The seed of random stream `stream` derived from `seed` (see above).
std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t stream);

// An unbiased index in [0, bound) (bound >= 1) from one output of a 64-bit
// engine (std::mt19937_64 or Mt19937_64, which give the same outputs),
// Lemire 2019: the high word of output * bound, rejecting the few outputs
// that would favour some indices.
template <class Engine>
std::uint64_t uniform_index(Engine& engine, std::uint64_t bound) {
  __extension__ using Uint128 = unsigned __int128;
  Uint128 product = static_cast<Uint128>(engine()) * bound;
  auto low = static_cast<std::uint64_t>(product);
  if (low < bound) {
    const std::uint64_t threshold = (0 - bound) % bound;  // 2^64 mod bound
    while (low < threshold) {
      product = static_cast<Uint128>(engine()) * bound;
      low = static_cast<std::uint64_t>(product);
    }
  }
  return static_cast<std::uint64_t>(product >> 64);
}

// How often each of n rows is drawn into resample b (the n draws of stream b).
void resample_counts(std::uint64_t seed, std::uint64_t b, std::vector<std::uint32_t>& counts);

struct BootstrapResult {
  double lower = 0;   // type-7 quantile at (1 - level) / 2
  double median = 0;  // at 0.5
  double upper = 0;   // at 1 - (1 - level) / 2
  std::size_t iterations = 0;
  std::size_t undefined = 0;    // resamples with an undefined alpha (left out)
  std::vector<double> samples;  // raw alpha of every resample, in resample order (NaN = undefined)
  bool stopped = false;         // the deadline passed first: the samples are incomplete, the quantiles NaN
};

// Resamples the rows of `keyed` (n x k, NaN = missing) with replacement
// `iterations` times and takes raw alpha of each resample's pairwise
// covariance. threads = 0: hardware_concurrency(). The result depends only
// on the data, the seed and the iterations, not on the threads (across CPUs
// with and without AVX2 it can differ in the last bit: dense_kernels.hpp).
// Every thread looks at `deadline` before each block of resamples and stops
// once it has passed (BootstrapResult::stopped).
BootstrapResult bootstrap_raw_alpha(const Eigen::Ref<const Eigen::MatrixXd>& keyed, std::size_t iterations,
                                    std::uint64_t seed, double level, std::size_t threads = 0,
                                    const Deadline& deadline = {});

// The same for several item blocks over the same n rows (the subscales of
// one wave; every block must have n rows), from one set of resamples: each
// block's result, in the order of `blocks`, equals bootstrap_raw_alpha() of
// that block alone, and the draws are made once.
//
// How: a resample is a vector of draw counts w (sum n), and every sum alpha
// needs is a weighted sum over the rows, sum_r w_r f(row r), of a few
// features f. For complete data these are the k item columns, their row
// total and their squares (O(n k) per resample). With missing answers, the
// pairwise covariance needs the products x_i x_j of every pair of items
// (missing as 0), O(n k^2), while the sums and counts over the rows where
// both items were answered follow from corrections over the missing cells
// alone. The weighted sums of a block of resamples are one matrix product,
// (resamples x rows) x (rows x features), which runs near the arithmetic
// peak (dense_kernels.hpp).
std::vector<BootstrapResult> bootstrap_raw_alpha(std::span<const Eigen::MatrixXd> blocks, std::size_t iterations,
                                                 std::uint64_t seed, double level, std::size_t threads = 0,
                                                 const Deadline& deadline = {});

}  // namespace psyscore::detail
