// Kernels behind psych::alpha: the sums over rows, covariance,
// raw_alpha_pairwise, smc, quantiles.

#include "scoring/psych/alpha.hpp"

#include <cmath>
#include <limits>
#include <random>

#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "reliability_fixture_data.hpp"
#include "scoring/kernels/covariance.hpp"

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
    const detail::PairwiseMoments moments = detail::pairwise_moments(keyed);
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
  const Eigen::MatrixXd complete_c = detail::pairwise_covariance(x);
  Eigen::MatrixXd centred = x.rowwise() - x.colwise().mean();
  const Eigen::MatrixXd reference = centred.transpose() * centred / 9999.0;
  EXPECT_TRUE(complete_c.isApprox(reference, 1e-13));
  x(5000, 1) = kNaN;  // force the missing-data path; covariances barely move
  EXPECT_TRUE(detail::pairwise_covariance(x).isApprox(reference, 1e-3));
}

// Likert answers 1..5 with a share of cells blank, and the two kinds of rows
// the corrections for missing cells must get right: a row without answers
// and a row with one answer.
Eigen::MatrixXd answers_with_gaps(Eigen::Index n, Eigen::Index k, double missing_share) {
  std::mt19937_64 engine(20240301);
  std::uniform_int_distribution<int> answer(1, 5);
  std::uniform_real_distribution<double> uniform;
  Eigen::MatrixXd x(n, k);
  for (Eigen::Index r = 0; r < n; ++r) {
    for (Eigen::Index j = 0; j < k; ++j)
      x(r, j) = uniform(engine) < missing_share ? kNaN : answer(engine) + 0.5 * static_cast<double>(j);
  }
  x.row(7).setConstant(kNaN);
  x.row(300).setConstant(kNaN);
  x(300, 2) = 4;
  return x;
}

TEST(AlphaCovariance, SumsOverManyTilesWithMissingCellsMatchTheTwoPassReference) {
  // 1000 rows: several tiles of rows, each with its own missing cells.
  for (const double share : {0.0, 0.02, 0.3}) {
    Eigen::MatrixXd x = answers_with_gaps(1000, 6, share);
    if (share == 0) x = answers_with_gaps(1000, 6, 0).bottomRows(600);  // no blank rows at all
    const detail::PairwiseMoments moments = detail::pairwise_moments(x);
    EXPECT_EQ(moments.complete, share == 0) << share;
    for (Eigen::Index i = 0; i < x.cols(); ++i) {
      for (Eigen::Index j = 0; j < x.cols(); ++j) {
        double r = 0;
        const double c = reference_pair_covariance(x, i, j, &r);
        // The items are independent: a covariance near 0 is exact to the
        // rounding of sums on the scale of the variances.
        const double scale = std::sqrt(reference_pair_covariance(x, i, i, &r) * reference_pair_covariance(x, j, j, &r));
        r = 0;
        reference_pair_covariance(x, i, j, &r);
        EXPECT_NEAR(moments.covariance(i, j), c, 1e-13 * scale) << share << " C" << i << j;
        EXPECT_NEAR(moments.correlation(i, j), r, 1e-13) << share << " r" << i << j;
        double n = 0;
        for (Eigen::Index row = 0; row < x.rows(); ++row) n += std::isnan(x(row, i)) || std::isnan(x(row, j)) ? 0 : 1;
        EXPECT_EQ(moments.counts(i, j), n) << share << " n" << i << j;
      }
    }
  }
}

TEST(AlphaCovariance, PersonScoreSumsAreThoseOfTheRowMeans) {
  const Eigen::MatrixXd x = answers_with_gaps(700, 5, 0.1);
  const detail::ItemSums sums = detail::item_sums(x);
  // Direct: every row's mean of its answers, then the sums item by item.
  double scored = 0;
  double total = 0;
  double squares = 0;
  Eigen::VectorXd item_total = Eigen::VectorXd::Zero(5);
  Eigen::VectorXd item_squares = Eigen::VectorXd::Zero(5);
  Eigen::VectorXd item_products = Eigen::VectorXd::Zero(5);
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    double sum = 0;
    int answered = 0;
    for (Eigen::Index j = 0; j < 5; ++j) {
      if (std::isnan(x(r, j))) continue;
      sum += x(r, j);
      ++answered;
    }
    if (answered == 0) continue;
    const double s = sum / answered - sums.score_shift;
    ++scored;
    total += s;
    squares += s * s;
    for (Eigen::Index j = 0; j < 5; ++j) {
      if (std::isnan(x(r, j))) continue;
      item_total(j) += s;
      item_squares(j) += s * s;
      item_products(j) += (x(r, j) - sums.shift(j)) * s;
    }
  }
  EXPECT_EQ(static_cast<double>(sums.scored), scored);
  EXPECT_EQ(sums.rows, 700u);
  EXPECT_NEAR(sums.score_sum, total, 1e-12 * std::abs(squares));
  EXPECT_NEAR(sums.score_squares, squares, 1e-12 * squares);
  for (Eigen::Index j = 0; j < 5; ++j) {
    EXPECT_NEAR(sums.item_score_sums(j), item_total(j), 1e-12 * item_squares(j)) << "item " << j;
    EXPECT_NEAR(sums.item_score_squares(j), item_squares(j), 1e-12 * item_squares(j)) << "item " << j;
    EXPECT_NEAR(sums.item_score_products(j), item_products(j), 1e-12 * item_squares(j)) << "item " << j;
  }
}

TEST(AlphaCovariance, FewerThanTwoJointAnswersIsNaN) {
  Eigen::MatrixXd x(4, 2);
  x << 1, kNaN, 2, kNaN, 3, 1, 4, kNaN;
  const detail::PairwiseMoments m = detail::pairwise_moments(x);
  EXPECT_TRUE(std::isnan(m.covariance(0, 1)));
  EXPECT_TRUE(std::isnan(m.covariance(1, 1)));
  EXPECT_NEAR(m.covariance(0, 0), 1.6666666666666667, 1e-15);
  EXPECT_TRUE(std::isnan(detail::raw_alpha_pairwise(x)));
}

TEST(AlphaKernel, RawAlphaPairwiseMatchesPsych) {
  for (const auto& name : test::alpha_fixture_names()) {
    const auto fixture = test::reliability_fixture(name);
    const double expected = *test::number_at(fixture.at("alpha"), "raw_alpha");
    const double actual = detail::raw_alpha_pairwise(test::keyed_matrix(fixture));
    EXPECT_NEAR(actual, expected, 1e-9 * std::abs(expected)) << name;
  }
  EXPECT_TRUE(std::isnan(detail::raw_alpha_pairwise(Eigen::MatrixXd::Ones(5, 1)))) << "one item";
  EXPECT_TRUE(std::isnan(detail::raw_alpha_pairwise(Eigen::MatrixXd::Ones(1, 3)))) << "one row";
}

TEST(AlphaKernel, SmcUsesThePseudoInverseAndClips) {
  // Rank 1: two identical items and a third: pinv keeps one eigenvalue.
  Eigen::MatrixXd r(3, 3);
  r << 1, 1, 0.5, 1, 1, 0.5, 0.5, 0.5, 1;
  const detail::SquaredMultipleCorrelations s = detail::squared_multiple_correlations(r);
  EXPECT_TRUE(s.smc.allFinite());
  EXPECT_TRUE((s.smc.array() >= 0).all() && (s.smc.array() <= 1).all());
  // Identity: no item predicts another.
  EXPECT_TRUE(detail::squared_multiple_correlations(Eigen::MatrixXd::Identity(4, 4)).smc.isZero(1e-15));
}

TEST(AlphaKernel, IntervalsAtOtherLevels) {
  EXPECT_EQ(detail::duhachek_z(0.95), 1.96);
  EXPECT_NEAR(detail::duhachek_z(0.90), 1.6448536269514715, 1e-15);
  EXPECT_NEAR(detail::duhachek_z(0.99), 2.5758293035488999, 1e-15);
  // R: 1 - (1 - .8) * qf(c(.975, .025), 99, 99 * 4)
  const Interval feldt = detail::feldt_interval(0.8, 100, 5, 0.95);
  EXPECT_NEAR(*feldt.lower, 0.73055820417933937, 1e-12);
  EXPECT_NEAR(*feldt.upper, 0.85588674866599301, 1e-12);
}

TEST(AlphaKernel, QuantileType7LikeR) {
  // R: quantile(c(3, 1, 4, 1, 5, 9, 2, 6), c(.025, .5, .975)) -> 1, 3.5, 8.475
  const std::vector<double> sorted = {1, 1, 2, 3, 4, 5, 6, 9};
  EXPECT_DOUBLE_EQ(detail::quantile_type7(sorted, 0.025), 1);
  EXPECT_DOUBLE_EQ(detail::quantile_type7(sorted, 0.5), 3.5);
  EXPECT_DOUBLE_EQ(detail::quantile_type7(sorted, 0.975), 8.475);
  EXPECT_DOUBLE_EQ(detail::quantile_type7({7}, 0.025), 7);
  EXPECT_TRUE(std::isnan(detail::quantile_type7({}, 0.5)));
}

}  // namespace
}  // namespace psyscore
