#include "scoring/stats/rank_tests.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>

#include "scoring/util/math_policy.hpp"
#include "scoring/util/nan.hpp"

namespace psyscore::detail {

namespace {

// Domain errors (a NaN statistic, df 0) give NaN instead of throwing.

// 2 min(Phi(z), 1 - Phi(z)), each tail computed directly so that small p
// values keep their relative precision.
double two_sided_normal_p(double z) {
  if (std::isnan(z)) return kNaN;
  const boost::math::normal_distribution<double, MathPolicy> normal;
  return 2 * boost::math::cdf(boost::math::complement(normal, std::abs(z)));
}

double chi_squared_upper(double statistic, double df) {
  if (std::isnan(statistic) || df <= 0) return kNaN;
  const boost::math::chi_squared_distribution<double, MathPolicy> chi_squared(df);
  return boost::math::cdf(boost::math::complement(chi_squared, statistic));
}

double sign(double x) { return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0); }

// Counts of subsets of {1, ..., n} by their sum: the exact null distribution
// of V times 2^n. Every count is below 2^49 for n < 50, so exact in a double.
std::vector<double> signed_rank_counts(std::size_t n) {
  std::vector<double> counts(n * (n + 1) / 2 + 1, 0.0);
  counts[0] = 1;
  std::size_t top = 0;
  for (std::size_t k = 1; k <= n; ++k) {
    top += k;
    for (std::size_t s = top; s >= k; --s) counts[s] += counts[s - k];
  }
  return counts;
}

// Counts of the rank-sum statistic W = 0..m n of a sample of m among m + n
// (R's cwilcox), as subsets of size m of the ranks 1..m+n by their sum.
std::vector<double> rank_sum_counts(std::size_t m, std::size_t n) {
  const std::size_t total = m + n;
  const std::size_t max_sum = m * (2 * total - m + 1) / 2;
  // by_size[j][s]: subsets of size j of the ranks seen so far with sum s.
  std::vector<std::vector<double>> by_size(m + 1, std::vector<double>(max_sum + 1, 0.0));
  by_size[0][0] = 1;
  for (std::size_t rank = 1; rank <= total; ++rank) {
    for (std::size_t j = std::min(rank, m); j >= 1; --j) {
      std::vector<double>& to = by_size[j];
      const std::vector<double>& from = by_size[j - 1];
      for (std::size_t s = max_sum; s >= rank; --s) to[s] += from[s - rank];
    }
  }
  const std::size_t offset = m * (m + 1) / 2;
  return {by_size[m].begin() + static_cast<std::ptrdiff_t>(offset),
          by_size[m].begin() + static_cast<std::ptrdiff_t>(offset + m * n + 1)};
}

// P(X <= q) and P(X >= q) for a distribution given by counts over 0..size-1,
// q rounded as R rounds (R_forceint(q + 1e-7)).
double lower_tail(const std::vector<double>& counts, double q) {
  const double rounded = std::nearbyint(q + 1e-7);
  if (rounded < 0) return 0;
  const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
  double below = 0;
  const auto last = std::min(counts.size() - 1, static_cast<std::size_t>(rounded));
  for (std::size_t k = 0; k <= last; ++k) below += counts[k];
  return below / total;
}

double upper_tail(const std::vector<double>& counts, double q) {
  const double rounded = std::nearbyint(q - 1e-7);
  const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
  if (rounded <= 0) return 1;
  double above = 0;
  for (auto k = static_cast<std::size_t>(rounded); k < counts.size(); ++k) above += counts[k];
  return above / total;
}

}  // namespace

std::vector<double> average_ranks(std::span<const double> x) {
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<double> ranks(x.size());
  for (std::size_t first = 0; first < order.size();) {
    std::size_t last = first;
    while (last + 1 < order.size() && x[order[last + 1]] == x[order[first]]) ++last;
    // 0-based positions first..last share the 1-based rank (first + last + 2) / 2.
    const double rank = static_cast<double>(first + last + 2) / 2;
    for (std::size_t k = first; k <= last; ++k) ranks[order[k]] = rank;
    first = last + 1;
  }
  return ranks;
}

double tie_cubes(std::span<const double> x) {
  std::vector<double> sorted(x.begin(), x.end());
  std::sort(sorted.begin(), sorted.end());
  double sum = 0;
  for (std::size_t first = 0; first < sorted.size();) {
    std::size_t last = first;
    while (last + 1 < sorted.size() && sorted[last + 1] == sorted[first]) ++last;
    const auto t = static_cast<double>(last - first + 1);
    sum += t * t * t - t;
    first = last + 1;
  }
  return sum;
}

double signed_rank_lower(double v, std::size_t n) { return lower_tail(signed_rank_counts(n), v); }
double signed_rank_upper(double v, std::size_t n) { return upper_tail(signed_rank_counts(n), v); }

double rank_sum_lower(double w, std::size_t m, std::size_t n) { return lower_tail(rank_sum_counts(m, n), w); }
double rank_sum_upper(double w, std::size_t m, std::size_t n) { return upper_tail(rank_sum_counts(m, n), w); }

double smallest_signed_rank_p(std::size_t n) {
  return std::min(1.0, 2 / std::ldexp(1.0, static_cast<int>(std::min<std::size_t>(n, 1000))));
}

double smallest_rank_sum_p(std::size_t m, std::size_t n) {
  // choose(m + n, m) through lgamma; it only needs to be right near 0.05.
  const auto a = static_cast<double>(m);
  const auto b = static_cast<double>(n);
  const double log_choose = std::lgamma(a + b + 1) - std::lgamma(a + 1) - std::lgamma(b + 1);
  return std::min(1.0, 2 * std::exp(-log_choose));
}

SignedRankTest wilcoxon_signed_rank(std::span<const double> differences, RankPValue method) {
  SignedRankTest test;
  std::vector<double> nonzero;
  nonzero.reserve(differences.size());
  for (const double d : differences) {
    if (d == 0) {
      ++test.zeros;
    } else {
      nonzero.push_back(d);
    }
  }
  test.n = nonzero.size();
  std::vector<double> magnitudes(nonzero.size());
  std::transform(nonzero.begin(), nonzero.end(), magnitudes.begin(), [](double d) { return std::abs(d); });
  const std::vector<double> ranks = average_ranks(magnitudes);
  for (std::size_t i = 0; i < nonzero.size(); ++i) {
    if (nonzero[i] > 0) test.v += ranks[i];
  }
  const double ties = tie_cubes(magnitudes);
  test.ties = ties > 0;

  if (differences.empty()) {
    test.p = kNaN;
    return test;
  }

  const auto n = static_cast<double>(test.n);
  test.exact = method == RankPValue::automatic && test.n < 50 && !test.ties && test.zeros == 0;
  if (test.exact) {
    const std::vector<double> counts = signed_rank_counts(test.n);
    const double one_tail = test.v > n * (n + 1) / 4 ? upper_tail(counts, test.v) : lower_tail(counts, test.v);
    test.p = std::min(1.0, 2 * one_tail);
    return test;
  }
  const double centred = test.v - n * (n + 1) / 4;
  const double sigma = std::sqrt(n * (n + 1) * (2 * n + 1) / 24 - ties / 48);
  // With every difference zero this is 0 / 0: R's NaN, reported as null.
  test.p = two_sided_normal_p((centred - sign(centred) * 0.5) / sigma);
  return test;
}

RankSumTest mann_whitney(std::span<const double> a, std::span<const double> b, RankPValue method) {
  RankSumTest test;
  if (a.empty() || b.empty()) {
    test.p = kNaN;
    return test;
  }
  std::vector<double> pooled(a.begin(), a.end());
  pooled.insert(pooled.end(), b.begin(), b.end());
  const std::vector<double> ranks = average_ranks(pooled);
  const auto n_a = static_cast<double>(a.size());
  const auto n_b = static_cast<double>(b.size());
  double rank_sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) rank_sum += ranks[i];
  test.w = rank_sum - n_a * (n_a + 1) / 2;
  const double ties = tie_cubes(pooled);
  test.ties = ties > 0;

  test.exact = method == RankPValue::automatic && a.size() < 50 && b.size() < 50 && !test.ties;
  if (test.exact) {
    const std::vector<double> counts = rank_sum_counts(a.size(), b.size());
    const double one_tail = test.w > n_a * n_b / 2 ? upper_tail(counts, test.w) : lower_tail(counts, test.w);
    test.p = std::min(1.0, 2 * one_tail);
    return test;
  }
  const double centred = test.w - n_a * n_b / 2;
  const double sigma = std::sqrt((n_a * n_b / 12) * ((n_a + n_b + 1) - ties / ((n_a + n_b) * (n_a + n_b - 1))));
  test.p = two_sided_normal_p((centred - sign(centred) * 0.5) / sigma);
  return test;
}

KruskalWallisTest kruskal_wallis(std::span<const std::span<const double>> groups) {
  KruskalWallisTest test;
  std::vector<double> pooled;
  for (const auto group : groups) pooled.insert(pooled.end(), group.begin(), group.end());
  const std::vector<double> ranks = average_ranks(pooled);
  const auto n = static_cast<double>(pooled.size());

  double between = 0;
  std::size_t offset = 0;
  for (const auto group : groups) {
    double rank_sum = 0;
    for (std::size_t i = 0; i < group.size(); ++i) rank_sum += ranks[offset + i];
    between += rank_sum * rank_sum / static_cast<double>(group.size());
    offset += group.size();
  }
  const double tie_factor = 1 - tie_cubes(pooled) / (n * n * n - n);
  // Every value tied: H is 0 / 0 (R returns NaN or a rounding-noise number).
  test.h = tie_factor > 0 ? (12 * between / (n * (n + 1)) - 3 * (n + 1)) / tie_factor : kNaN;
  test.df = groups.size() - 1;
  test.p = chi_squared_upper(test.h, static_cast<double>(test.df));
  test.epsilon_squared = test.h / ((n * n - 1) / (n + 1));
  return test;
}

}  // namespace psyscore::detail
