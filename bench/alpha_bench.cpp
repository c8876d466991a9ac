// Reliability kernels: the psych::alpha suite (pairwise covariance, alpha,
// alpha-if-dropped, item statistics), omega and split-half, and the
// 1000-resample bootstrap. Results and the command: docs/performance.md.
//
// Data: a one-factor model rounded to a 1..5 Likert scale, complete unless
// the benchmark name says "missing" (5% of cells blank at random, or the
// share it names). Every matrix is generated once outside the timed loop.

#include <benchmark/benchmark.h>

#include <cmath>
#include <map>
#include <memory>
#include <random>
#include <tuple>
#include <vector>

#include "scoring/kernels/covariance.hpp"
#include "scoring/psych/alpha.hpp"
#include "scoring/psych/bootstrap.hpp"
#include "scoring/psych/omega.hpp"
#include "scoring/psych/split_half.hpp"

namespace {

using psyscore::detail::PairwiseMoments;

Eigen::MatrixXd likert(Eigen::Index n, Eigen::Index k, double missing_share) {
  std::mt19937_64 engine(20240301);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform;
  Eigen::MatrixXd x(n, k);
  Eigen::VectorXd trait(n);
  for (Eigen::Index r = 0; r < n; ++r) trait(r) = normal(engine);
  for (Eigen::Index j = 0; j < k; ++j) {
    for (Eigen::Index r = 0; r < n; ++r) {
      const double value = std::round(3 + 0.8 * trait(r) + normal(engine));
      x(r, j) = uniform(engine) < missing_share ? std::nan("") : std::clamp(value, 1.0, 5.0);
    }
  }
  return x;
}

// One matrix at a time: the largest (1e6 x 100) takes 800 MB.
// missing_percent: the share of blank cells, in percent.
const Eigen::MatrixXd& data(Eigen::Index n, Eigen::Index k, int missing_percent) {
  static std::tuple<Eigen::Index, Eigen::Index, int> key{-1, -1, 0};
  static Eigen::MatrixXd cached;
  if (key != std::tuple{n, k, missing_percent}) {
    cached.resize(0, 0);
    cached = likert(n, k, missing_percent / 100.0);
    key = {n, k, missing_percent};
  }
  return cached;
}

const Eigen::MatrixXd& data(Eigen::Index n, Eigen::Index k, bool missing) { return data(n, k, missing ? 5 : 0); }

void alpha_suite_sizes(benchmark::internal::Benchmark* b) {
  for (const std::int64_t n : {1'000, 100'000, 1'000'000}) {
    for (const std::int64_t k : {5, 22, 100}) b->Args({n, k});
  }
  b->Unit(benchmark::kMillisecond);
}

// psych::alpha's whole output for one subscale.
void BM_AlphaSuite(benchmark::State& state, bool missing) {
  const Eigen::MatrixXd& x = data(state.range(0), state.range(1), missing);
  for (auto _ : state) {
    const psyscore::detail::ItemSums sums = psyscore::detail::item_sums(x);
    const psyscore::detail::PairwiseMoments moments = psyscore::detail::pairwise_moments(sums);
    const psyscore::detail::AlphaSuite suite = psyscore::detail::alpha_suite(sums, moments, 0.95);
    benchmark::DoNotOptimize(suite.total.raw_alpha);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0) * state.range(1));
}
BENCHMARK_CAPTURE(BM_AlphaSuite, complete, false)->Apply(alpha_suite_sizes);
BENCHMARK_CAPTURE(BM_AlphaSuite, missing, true)->Apply(alpha_suite_sizes);

// Only raw alpha (what the change statistics use for the RCI).
void BM_RawAlphaPairwise(benchmark::State& state) {
  const Eigen::MatrixXd& x = data(state.range(0), state.range(1), false);
  for (auto _ : state) benchmark::DoNotOptimize(psyscore::detail::raw_alpha_pairwise(x));
}
BENCHMARK(BM_RawAlphaPairwise)->Apply(alpha_suite_sizes);

// Omega (minres fit) and split-half on a k x k correlation matrix.
void BM_OmegaAndSplitHalf(benchmark::State& state) {
  const Eigen::MatrixXd& x = data(10'000, state.range(0), false);
  const Eigen::MatrixXd r = psyscore::detail::pairwise_moments(x).correlation;
  for (auto _ : state) {
    benchmark::DoNotOptimize(psyscore::detail::omega_total_one_factor(r).omega_total);
    benchmark::DoNotOptimize(psyscore::detail::split_half(r).mean);
  }
}
BENCHMARK(BM_OmegaAndSplitHalf)->Arg(5)->Arg(16)->Arg(22)->Arg(100)->Unit(benchmark::kMillisecond);

// The target: 1000 resamples of 10,000 x 22 in <= 0.3 s on 2 cores. One
// 22-item scale; args: threads, percent of blank cells.
void BM_Bootstrap1000(benchmark::State& state) {
  const Eigen::MatrixXd& x = data(10'000, 22, static_cast<int>(state.range(1)));
  const auto threads = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    benchmark::DoNotOptimize(psyscore::detail::bootstrap_raw_alpha(x, 1000, 7, 0.95, threads).median);
  }
}
BENCHMARK(BM_Bootstrap1000)
    ->ArgNames({"threads", "missing_pct"})
    ->ArgsProduct({{1, 2}, {0, 2, 5}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The same 10,000 x 22 split into the MBI-HSS subscales (EE 9, DP 5 and PA 8
// items) as `psyscore reliability --bootstrap 1000` runs them: one set of
// resamples for the three.
void BM_Bootstrap1000Mbi(benchmark::State& state) {
  const Eigen::MatrixXd& x = data(10'000, 22, static_cast<int>(state.range(1)));
  const std::vector<Eigen::MatrixXd> subscales = {x.leftCols(9), x.middleCols(9, 5), x.rightCols(8)};
  const auto threads = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    benchmark::DoNotOptimize(psyscore::detail::bootstrap_raw_alpha(subscales, 1000, 7, 0.95, threads).front().median);
  }
}
BENCHMARK(BM_Bootstrap1000Mbi)
    ->ArgNames({"threads", "missing_pct"})
    ->ArgsProduct({{1, 2}, {0, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
