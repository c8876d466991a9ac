// Kernels behind psych::alpha: covariance, raw_alpha_pairwise, smc, quantiles.

#include "alpha.hpp"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "covariance.hpp"
#include "fixtures.hpp"
#include "reliability_fixture_data.hpp"

namespace psyscore {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// R's cov(x, y, use = "complete.obs") for one pair, two-pass, as a reference.
double reference_pair_covariance(const Eigen::MatrixXd& x, Eigen::Index i, Eigen::Index j, double* correlation) {
  double si = 0;
  double sj = 0;
  double n = 0;
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    if (std::isnan(x(r, i)) || std::isnan(x(r, j))) continue;
    si += x(r, i);
    sj += x(r, j);
    ++n;
  }
  const double mi = si / n;
  const double mj = sj / n;
  double cij = 0;
  double cii = 0;
  double cjj = 0;
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    if (std::isnan(x(r, i)) || std::isnan(x(r, j))) continue;
    cij += (x(r, i) - mi) * (x(r, j) - mj);
    cii += (x(r, i) - mi) * (x(r, i) - mi);
    cjj += (x(r, j) - mj) * (x(r, j) - mj);
  }
  *correlation = cij / std::sqrt(cii * cjj);
  return cij / (n - 1);
}

TEST(AlphaCovariance, PairwiseMatchesATwoPassReference) {
  for (const char* name : {"reverse_keys_missing", "bfi_agreeableness", "dichotomous", "n_le_k"}) {
    const Eigen::MatrixXd keyed = test::keyed_matrix(test::reliability_fixture(name));
    const PairwiseMoments moments = pairwise_moments(keyed);
    for (Eigen::Index i = 0; i < keyed.cols(); ++i) {
      for (Eigen::Index j = 0; j < keyed.cols(); ++j) {
        double r = 0;
        const double c = reference_pair_covariance(keyed, i, j, &r);
        EXPECT_NEAR(moments.covariance(i, j), c, 1e-13 * std::abs(c)) << name << " C" << i << j;
        EXPECT_NEAR(moments.correlation(i, j), r, 1e-13) << name << " r" << i << j;
      }
    }
    EXPECT_EQ(moments.complete, !keyed.hasNaN()) << name;
  }
}

TEST(AlphaCovariance, BlocksBeyondOneBlockAgree) {
  // More rows than one block (4096), with and without missing cells.
  Eigen::MatrixXd x = Eigen::MatrixXd::Random(10000, 4).array() * 2 + 3;
  const Eigen::MatrixXd complete_c = pairwise_covariance(x);
  Eigen::MatrixXd centred = x.rowwise() - x.colwise().mean();
  const Eigen::MatrixXd reference = centred.transpose() * centred / 9999.0;
  EXPECT_TRUE(complete_c.isApprox(reference, 1e-13));
  x(5000, 1) = kNaN;  // force the missing-data path; covariances barely move
  EXPECT_TRUE(pairwise_covariance(x).isApprox(reference, 1e-3));
}

TEST(AlphaCovariance, FewerThanTwoJointAnswersIsNaN) {
  Eigen::MatrixXd x(4, 2);
  x << 1, kNaN, 2, kNaN, 3, 1, 4, kNaN;
  const PairwiseMoments m = pairwise_moments(x);
  EXPECT_TRUE(std::isnan(m.covariance(0, 1)));
  EXPECT_TRUE(std::isnan(m.covariance(1, 1)));
  EXPECT_NEAR(m.covariance(0, 0), 1.6666666666666667, 1e-15);
  EXPECT_TRUE(std::isnan(raw_alpha_pairwise(x)));
}

TEST(AlphaKernel, RawAlphaPairwiseMatchesPsych) {
  for (const auto& name : test::alpha_fixture_names()) {
    const auto fixture = test::reliability_fixture(name);
    const double expected = *test::number_at(fixture.at("alpha"), "raw_alpha");
    const double actual = raw_alpha_pairwise(test::keyed_matrix(fixture));
    EXPECT_NEAR(actual, expected, 1e-9 * std::abs(expected)) << name;
  }
  EXPECT_TRUE(std::isnan(raw_alpha_pairwise(Eigen::MatrixXd::Ones(5, 1)))) << "one item";
  EXPECT_TRUE(std::isnan(raw_alpha_pairwise(Eigen::MatrixXd::Ones(1, 3)))) << "one row";
}

TEST(AlphaKernel, SmcUsesThePseudoInverseAndClips) {
  // Rank 1: two identical items and a third: pinv keeps one eigenvalue.
  Eigen::MatrixXd r(3, 3);
  r << 1, 1, 0.5, 1, 1, 0.5, 0.5, 0.5, 1;
  const SquaredMultipleCorrelations s = squared_multiple_correlations(r);
  EXPECT_TRUE(s.smc.allFinite());
  EXPECT_TRUE((s.smc.array() >= 0).all() && (s.smc.array() <= 1).all());
  // Identity: no item predicts another.
  EXPECT_TRUE(squared_multiple_correlations(Eigen::MatrixXd::Identity(4, 4)).smc.isZero(1e-15));
}

TEST(AlphaKernel, IntervalsAtOtherLevels) {
  EXPECT_EQ(duhachek_z(0.95), 1.96);
  EXPECT_NEAR(duhachek_z(0.90), 1.6448536269514715, 1e-15);
  EXPECT_NEAR(duhachek_z(0.99), 2.5758293035488999, 1e-15);
  // R: 1 - (1 - .8) * qf(c(.975, .025), 99, 99 * 4)
  const Interval feldt = feldt_interval(0.8, 100, 5, 0.95);
  EXPECT_NEAR(feldt.lower, 0.73055820417933937, 1e-12);
  EXPECT_NEAR(feldt.upper, 0.85588674866599301, 1e-12);
}

TEST(AlphaKernel, QuantileType7LikeR) {
  // R: quantile(c(3, 1, 4, 1, 5, 9, 2, 6), c(.025, .5, .975)) -> 1, 3.5, 8.475
  const std::vector<double> sorted = {1, 1, 2, 3, 4, 5, 6, 9};
  EXPECT_DOUBLE_EQ(quantile_type7(sorted, 0.025), 1);
  EXPECT_DOUBLE_EQ(quantile_type7(sorted, 0.5), 3.5);
  EXPECT_DOUBLE_EQ(quantile_type7(sorted, 0.975), 8.475);
  EXPECT_DOUBLE_EQ(quantile_type7({7}, 0.025), 7);
  EXPECT_TRUE(std::isnan(quantile_type7({}, 0.5)));
}

}  // namespace
}  // namespace psyscore
