// Rank-based tests as R 4.2's stats package computes them: ranks with ties
// averaged, Wilcoxon's signed-rank test (wilcox.test(x, y, paired = TRUE)),
// the Mann-Whitney rank-sum test (wilcox.test(x, y)) and Kruskal-Wallis
// (kruskal.test). Private to the engine; the inputs hold no NaN.
//
// Ties are exact floating-point equality, as R's rank() with its default
// digits.rank = Inf: two mean scores that are mathematically equal but
// computed along different paths can differ in the last bit and then are not
// tied, in R and here alike.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace psyscore::detail {

// R's rank(x, ties.method = "average"): 1-based, tied values share the mean
// of their ranks.
std::vector<double> average_ranks(std::span<const double> x);

// sum(t^3 - t) over the groups of tied values of x (0 without ties).
double tie_cubes(std::span<const double> x);

// The exact null distribution of the signed-rank statistic V for n non-zero
// differences: P(V <= v) and P(V >= v). n < 50 (R's exact limit); v is
// rounded to the nearest whole number as R's psignrank does.
double signed_rank_lower(double v, std::size_t n);
double signed_rank_upper(double v, std::size_t n);

// The exact null distribution of the rank-sum statistic W for samples of m
// and n: P(W <= w) and P(W >= w).
double rank_sum_lower(double w, std::size_t m, std::size_t n);
double rank_sum_upper(double w, std::size_t m, std::size_t n);

// The smallest two-sided p value an exact test can give at all:
// min(1, 2 / 2^n) for the signed-rank test with n non-zero differences,
// min(1, 2 / choose(m + n, m)) for the rank-sum test.
double smallest_signed_rank_p(std::size_t n);
double smallest_rank_sum_p(std::size_t m, std::size_t n);

// Whether R may use the exact distribution: it asks for it below 50 values.
enum class RankPValue {
  automatic,  // R's default (exact = NULL): exact when allowed, else normal
  normal,     // R's exact = FALSE: normal approximation with corrections
};

struct SignedRankTest {
  double v = 0;  // sum of the ranks of |d| over the positive d
  double p = 0;  // two-sided; NaN when every difference is zero
  bool exact = false;
  std::size_t n = 0;      // non-zero differences (the test's n)
  std::size_t zeros = 0;  // zero differences, dropped (Wilcoxon's method)
  bool ties = false;      // some non-zero |d| are tied
};

// Wilcoxon's signed-rank test of differences d against 0, two-sided, as
// wilcox.test(d) with correct = TRUE: zeros are dropped; exact when n < 50
// with no ties and no zeros; else the normal approximation with the tie
// correction of the variance and a 0.5 continuity correction.
SignedRankTest wilcoxon_signed_rank(std::span<const double> differences, RankPValue method = RankPValue::automatic);

struct RankSumTest {
  double w = 0;  // rank sum of a minus n_a (n_a + 1) / 2: pairs with a > b, ties 1/2
  double p = 0;  // two-sided; NaN when undefined (a sample is empty)
  bool exact = false;
  bool ties = false;  // some values of the pooled sample are tied
};

// The Mann-Whitney (Wilcoxon rank-sum) test of a against b, two-sided, as
// wilcox.test(a, b) with correct = TRUE: exact when both samples have fewer
// than 50 values and the pooled sample has no ties, else the normal
// approximation with tie and continuity corrections.
RankSumTest mann_whitney(std::span<const double> a, std::span<const double> b,
                         RankPValue method = RankPValue::automatic);

struct KruskalWallisTest {
  double h = 0;  // tie-corrected; NaN when every value is tied
  std::size_t df = 0;
  double p = 0;
  double epsilon_squared = 0;  // H / ((N^2 - 1) / (N + 1))
};

// kruskal.test over the given samples (each non-empty; at least two).
KruskalWallisTest kruskal_wallis(std::span<const std::span<const double>> groups);

}  // namespace psyscore::detail
