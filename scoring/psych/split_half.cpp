#include "scoring/psych/split_half.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include "scoring/psych/alpha.hpp"
#include "scoring/psych/bootstrap.hpp"
#include "scoring/util/nan.hpp"

namespace psyscore::detail {

namespace {

// Advances `a` (ascending indices < k) to the next combination in
// lexicographic order; false after the last one.
bool next_combination(std::vector<Eigen::Index>& a, Eigen::Index k) {
  const auto m = static_cast<Eigen::Index>(a.size());
  for (Eigen::Index i = m - 1; i >= 0; --i) {
    auto& slot = a[static_cast<std::size_t>(i)];
    if (slot < k - m + i) {
      ++slot;
      for (Eigen::Index j = i + 1; j < m; ++j) a[static_cast<std::size_t>(j)] = a[static_cast<std::size_t>(j - 1)] + 1;
      return true;
    }
  }
  return false;
}

class SplitScorer {
 public:
  explicit SplitScorer(const Eigen::Ref<const Eigen::MatrixXd>& r)
      : r_(r), sum_(r.sum()), in_half_(static_cast<std::size_t>(r.cols()), 0) {}

  // psych's rab: 4 * sum of r_ij between the halves / sum(R).
  double lambda4(const std::vector<Eigen::Index>& half) {
    for (const Eigen::Index i : half) in_half_[static_cast<std::size_t>(i)] = 1;
    double between = 0;
    for (const Eigen::Index i : half) {
      for (Eigen::Index j = 0; j < r_.cols(); ++j) {
        if (!in_half_[static_cast<std::size_t>(j)]) between += r_(i, j);
      }
    }
    for (const Eigen::Index i : half) in_half_[static_cast<std::size_t>(i)] = 0;
    return 4 * between / sum_;
  }

 private:
  const Eigen::Ref<const Eigen::MatrixXd>& r_;
  double sum_;
  std::vector<char> in_half_;
};

struct Tally {
  SplitHalfResult& out;
  double sum = 0;
  void add(double rab, const std::vector<Eigen::Index>& half) {
    // First split wins ties, as psych's strict comparisons do.
    if (out.splits == 0 || rab > out.max) {
      out.max = rab;
      out.max_half = half;
    }
    if (out.splits == 0 || rab < out.min) {
      out.min = rab;
      out.min_half = half;
    }
    sum += rab;
    ++out.splits;
  }
};

}  // namespace

SplitHalfResult split_half(const Eigen::Ref<const Eigen::MatrixXd>& correlation, std::size_t max_exhaustive_items,
                           std::size_t samples, std::uint64_t seed) {
  SplitHalfResult out;
  const Eigen::Index k = correlation.cols();
  if (k < 2 || !correlation.allFinite()) {
    out.max = out.min = out.mean = out.lambda2 = out.lambda6 = kNaN;
    return out;
  }
  const double items = static_cast<double>(k);
  const double sum_r = correlation.sum();
  const double sum_off = sum_r - correlation.trace();
  const double sumsq_off = correlation.squaredNorm() - correlation.diagonal().squaredNorm();
  out.lambda2 = (sum_off + std::sqrt(sumsq_off * items / (items - 1))) / sum_r;
  out.lambda6 = (sum_off + squared_multiple_correlations(correlation).smc.sum()) / sum_r;

  const Eigen::Index m = k / 2;
  SplitScorer scorer(correlation);
  Tally tally{out};
  std::vector<Eigen::Index> half(static_cast<std::size_t>(m));
  if (static_cast<std::size_t>(k) <= max_exhaustive_items) {
    out.exhaustive = true;
    std::iota(half.begin(), half.end(), Eigen::Index{0});
    do {
      // With even k, {A, B} and {B, A} are the same split: keep the one with item 0.
      if (k % 2 == 0 && half.front() != 0) break;
      tally.add(scorer.lambda4(half), half);
    } while (next_combination(half, k));
  } else {
    std::mt19937_64 engine(stream_seed(seed, 0));
    std::vector<Eigen::Index> order(static_cast<std::size_t>(k));
    for (std::size_t s = 0; s < samples; ++s) {
      // A uniform random m-subset: the first m slots of a partial Fisher-Yates shuffle.
      std::iota(order.begin(), order.end(), Eigen::Index{0});
      for (std::size_t i = 0; i < static_cast<std::size_t>(m); ++i) {
        const std::size_t j = i + uniform_index(engine, static_cast<std::uint64_t>(k) - i);
        std::swap(order[i], order[j]);
      }
      std::copy_n(order.begin(), m, half.begin());
      std::ranges::sort(half);
      tally.add(scorer.lambda4(half), half);
    }
  }
  if (out.splits == 0) {
    out.max = out.min = out.mean = kNaN;
    return out;
  }
  out.mean = tally.sum / static_cast<double>(out.splits);
  return out;
}

}  // namespace psyscore::detail
