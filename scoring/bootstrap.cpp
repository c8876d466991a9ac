#include "bootstrap.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <optional>
#include <thread>

#include "alpha.hpp"

namespace psyscore {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;

__extension__ typedef unsigned __int128 Uint128;

using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Complete data: raw alpha only needs tr(C) = sum of item variances and
// sum(C) = variance of the row total, i.e. weighted sums and sums of squares
// of k + 1 columns: O(n k) per resample instead of O(n k^2).
class CompleteDataAlpha {
 public:
  explicit CompleteDataAlpha(const Eigen::Ref<const Eigen::MatrixXd>& keyed)
      : n_(keyed.rows()), k_(keyed.cols()), centred_(keyed.rows(), keyed.cols() + 1) {
    // Centring on the full-sample means keeps the one-pass variance formula
    // free of cancellation in every resample.
    const Eigen::RowVectorXd means = keyed.colwise().mean();
    centred_.leftCols(k_) = keyed.rowwise() - means;
    centred_.col(k_) = centred_.leftCols(k_).rowwise().sum();
  }

  double operator()(const std::vector<std::uint32_t>& counts, std::vector<double>& scratch) const {
    const Eigen::Index columns = k_ + 1;
    scratch.assign(static_cast<std::size_t>(2 * columns), 0.0);
    double* sums = scratch.data();
    double* squares = scratch.data() + columns;
    for (Eigen::Index r = 0; r < n_; ++r) {
      const std::uint32_t count = counts[static_cast<std::size_t>(r)];
      if (count == 0) continue;
      const double w = count;
      const double* row = centred_.data() + r * columns;
      for (Eigen::Index j = 0; j < columns; ++j) {
        const double wx = w * row[j];
        sums[j] += wx;
        squares[j] += wx * row[j];
      }
    }
    const double n = static_cast<double>(n_);
    double trace = 0;
    for (Eigen::Index j = 0; j < k_; ++j) trace += (squares[j] - sums[j] * sums[j] / n) / (n - 1);
    const double total = (squares[k_] - sums[k_] * sums[k_] / n) / (n - 1);
    const double k = static_cast<double>(k_);
    return (1 - trace / total) * (k / (k - 1));
  }

 private:
  Eigen::Index n_;
  Eigen::Index k_;
  RowMajorMatrix centred_;
};

}  // namespace

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += kGolden);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t state = seed + stream * kGolden;
  return splitmix64(state);
}

std::uint64_t uniform_index(std::mt19937_64& engine, std::uint64_t bound) {
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

void resample_counts(std::uint64_t seed, std::uint64_t b, std::vector<std::uint32_t>& counts) {
  std::mt19937_64 engine(stream_seed(seed, b));
  std::ranges::fill(counts, 0u);
  const auto n = static_cast<std::uint64_t>(counts.size());
  for (std::uint64_t i = 0; i < n; ++i) ++counts[uniform_index(engine, n)];
}

BootstrapResult bootstrap_raw_alpha(const Eigen::Ref<const Eigen::MatrixXd>& keyed, std::size_t iterations,
                                    std::uint64_t seed, double level, std::size_t threads) {
  BootstrapResult result;
  result.iterations = iterations;
  result.samples.assign(iterations, kNaN);
  result.lower = result.median = result.upper = kNaN;
  const Eigen::Index n = keyed.rows();
  if (n < 2 || keyed.cols() < 2 || iterations == 0) {
    result.undefined = iterations;
    return result;
  }

  const bool complete = !keyed.hasNaN();
  std::optional<CompleteDataAlpha> complete_alpha;
  if (complete) complete_alpha.emplace(keyed);

  // Each resample depends only on (seed, b) and writes only samples[b], so
  // how resamples are shared among threads cannot change the result.
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    std::vector<std::uint32_t> counts(static_cast<std::size_t>(n));
    std::vector<double> scratch;
    Eigen::MatrixXd resample;
    for (;;) {
      const std::size_t b = next.fetch_add(1, std::memory_order_relaxed);
      if (b >= iterations) return;
      resample_counts(seed, b, counts);
      if (complete_alpha) {
        result.samples[b] = (*complete_alpha)(counts, scratch);
        continue;
      }
      resample.resize(n, keyed.cols());
      Eigen::Index row = 0;
      for (Eigen::Index r = 0; r < n; ++r) {
        for (std::uint32_t c = 0; c < counts[static_cast<std::size_t>(r)]; ++c) resample.row(row++) = keyed.row(r);
      }
      result.samples[b] = raw_alpha_pairwise(resample);
    }
  };
  std::size_t workers = threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
  workers = std::min(workers, iterations);
  {
    std::vector<std::jthread> pool;
    pool.reserve(workers - 1);
    for (std::size_t w = 1; w < workers; ++w) pool.emplace_back(work);
    work();
  }  // jthreads join here

  std::vector<double> defined;
  defined.reserve(iterations);
  for (const double alpha : result.samples) {
    if (std::isfinite(alpha)) defined.push_back(alpha);
  }
  result.undefined = iterations - defined.size();
  std::ranges::sort(defined);
  const double tail = (1 - level) / 2;
  result.lower = quantile_type7(defined, tail);
  result.median = quantile_type7(defined, 0.5);
  result.upper = quantile_type7(defined, 1 - tail);
  return result;
}

}  // namespace psyscore
