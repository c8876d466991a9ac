// Split-half kernel: exhaustive enumeration and seeded random splits.

#include "scoring/psych/split_half.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace psyscore {
namespace {

// Equal correlations r: every split of k items into halves of m and k - m has
// lambda 4 = 4 m (k - m) r / (k + k (k - 1) r).
Eigen::MatrixXd compound_symmetry(Eigen::Index k, double r) {
  Eigen::MatrixXd m = Eigen::MatrixXd::Constant(k, k, r);
  m.diagonal().setOnes();
  return m;
}

TEST(SplitHalfKernel, CountsEveryDistinctSplitUpTo16Items) {
  struct Case {
    Eigen::Index k;
    std::size_t splits;  // choose(k, k/2) / 2 for even k, choose(k, floor(k/2)) for odd k
  };
  for (const Case c : {Case{2, 1}, Case{3, 3}, Case{4, 3}, Case{5, 10}, Case{9, 126}, Case{16, 6435}}) {
    const detail::SplitHalfResult s = detail::split_half(compound_symmetry(c.k, 0.3));
    EXPECT_TRUE(s.exhaustive) << c.k;
    EXPECT_EQ(s.splits, c.splits) << c.k;
    const double m = static_cast<double>(c.k / 2);
    const double k = static_cast<double>(c.k);
    const double expected = 4 * m * (k - m) * 0.3 / (k + k * (k - 1) * 0.3);
    EXPECT_NEAR(s.mean, expected, 1e-12) << c.k;  // a sum of up to 6435 terms
    EXPECT_NEAR(s.max, expected, 1e-14) << c.k;
    EXPECT_EQ(s.max_half.size(), static_cast<std::size_t>(c.k / 2)) << c.k;
  }
}

TEST(SplitHalfKernel, RandomSplitsBeyond16ItemsAreSeeded) {
  Eigen::MatrixXd r = compound_symmetry(20, 0.3);
  for (Eigen::Index i = 0; i < 20; ++i) {
    for (Eigen::Index j = 0; j < 20; ++j) {
      if (i != j) r(i, j) = 0.2 + 0.02 * static_cast<double>((i * 7 + j * 7) % 11);
    }
  }
  const detail::SplitHalfResult a = detail::split_half(r, 16, 2000, 5);
  const detail::SplitHalfResult b = detail::split_half(r, 16, 2000, 5);
  const detail::SplitHalfResult c = detail::split_half(r, 16, 2000, 6);
  EXPECT_FALSE(a.exhaustive);
  EXPECT_EQ(a.splits, 2000u);
  EXPECT_EQ(a.mean, b.mean);
  EXPECT_EQ(a.max_half, b.max_half);
  EXPECT_NE(a.mean, c.mean);
  EXPECT_LE(a.min, a.mean);
  EXPECT_LE(a.mean, a.max);
  EXPECT_EQ(a.max_half.size(), 10u);
  // The exhaustive maximum bounds any sample's.
  const detail::SplitHalfResult all = detail::split_half(r, 20);
  EXPECT_TRUE(all.exhaustive);
  EXPECT_EQ(all.splits, 92378u);
  EXPECT_LE(a.max, all.max);
  EXPECT_GE(a.min, all.min);
  EXPECT_NEAR(a.mean, all.mean, 0.01);
}

}  // namespace
}  // namespace psyscore
