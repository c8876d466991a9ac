// Percentile bootstrap of raw alpha, reproducible for a seed whatever the
// number of threads, and the random streams it (and split-half) draw from.
//
// Random numbers: resample b (0-based) draws from its own std::mt19937_64
// seeded with the (b+1)-th output of SplitMix64 started at `seed`, i.e.
// mix(seed + (b + 1) * 0x9E3779B97F4A7C15) with SplitMix64's finaliser. A row
// index in [0, n) comes from one 64-bit output by Lemire's multiply-shift
// with rejection (unbiased). Both generators are fully specified, so a seed
// gives the same resamples on every platform and for any thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include <Eigen/Core>

namespace psyscore {

// One SplitMix64 step (Steele, Lea & Flood 2014): advances `state`, returns the output.
std::uint64_t splitmix64(std::uint64_t& state);

// The seed of random stream `stream` derived from `seed` (see above).
std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t stream);

// An unbiased index in [0, bound) (bound >= 1), Lemire 2019.
std::uint64_t uniform_index(std::mt19937_64& engine, std::uint64_t bound);

// How often each of n rows is drawn into resample b (the n draws of stream b).
void resample_counts(std::uint64_t seed, std::uint64_t b, std::vector<std::uint32_t>& counts);

struct BootstrapResult {
  double lower = 0;   // type-7 quantile at (1 - level) / 2
  double median = 0;  // at 0.5
  double upper = 0;   // at 1 - (1 - level) / 2
  std::size_t iterations = 0;
  std::size_t undefined = 0;    // resamples with an undefined alpha (left out)
  std::vector<double> samples;  // raw alpha of every resample, in resample order (NaN = undefined)
};

// Resamples the rows of `keyed` (n x k, NaN = missing) with replacement
// `iterations` times and takes raw alpha of each resample's pairwise
// covariance. Complete data takes an O(n k) path per resample (alpha from
// item and total variances); data with missing answers recomputes the
// pairwise covariance, O(n k^2). threads = 0: hardware_concurrency().
BootstrapResult bootstrap_raw_alpha(const Eigen::Ref<const Eigen::MatrixXd>& keyed, std::size_t iterations,
                                    std::uint64_t seed, double level, std::size_t threads = 0);

}  // namespace psyscore
