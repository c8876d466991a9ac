// The one-factor minres fit and omega_total against the fixtures.
//
// Tolerances: psych stops its L-BFGS-B minres with loadings accurate to about
// 1e-6, so psych's omega_total is matched at 1e-6 relative. The fixtures also
// hold `refined`, the minres stationary point iterated to 1e-15 from psych's
// loadings: the Newton-polished fit here matches it at 1e-10.

#include "omega.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "covariance.hpp"
#include "fixtures.hpp"
#include "reliability_fixture_data.hpp"

namespace psyscore {
namespace {

using test::number;
using test::number_at;

TEST(OmegaMinres, MatchesTheConvergedReferenceAndPsych) {
  for (const auto& name : test::alpha_fixture_names()) {
    const auto fixture = test::reliability_fixture(name);
    const Eigen::MatrixXd keyed = test::keyed_matrix(fixture);
    // psych::omega fits cor(use = "pairwise"), not cov2cor of the covariance.
    const OmegaTotal omega = omega_total_one_factor(pairwise_moments(keyed).correlation);
    const auto& refined = fixture.at("omega_detail").at("refined");
    EXPECT_TRUE(omega.fit.converged) << name;
    const auto& loadings = refined.at("loadings").as_array();
    ASSERT_EQ(omega.fit.loadings.size(), static_cast<Eigen::Index>(loadings.size())) << name;
    for (std::size_t i = 0; i < loadings.size(); ++i) {
      EXPECT_TRUE(test::near_relative(omega.fit.loadings(static_cast<Eigen::Index>(i)), number(loadings[i]), 1e-10))
          << name << " loading " << i;
    }
    EXPECT_TRUE(test::near_relative(omega.omega_total_unflipped, number_at(refined, "omega_total_unflipped"), 1e-10))
        << name << " omega_total_unflipped vs refined";
    EXPECT_LE(omega.fit.offdiag_ssr, *number_at(refined, "offdiag_ssr_psych")) << name << " not worse than psych";
    EXPECT_TRUE(test::near_relative(omega.fit.offdiag_ssr, number_at(refined, "offdiag_ssr_refined"), 1e-12)) << name;
    const double psych = *number_at(fixture, "omega_total");
    EXPECT_LE(std::abs(omega.omega_total - psych), 1e-6 * std::abs(psych)) << name << " omega_total vs psych";
    EXPECT_EQ(omega.heywood, false) << name;
  }
}

TEST(OmegaMinres, FlipsNegativelyLoadingItemsLikePsych) {
  const auto fixture = test::reliability_fixture("negative_alpha");
  const OmegaTotal omega = omega_total_one_factor(pairwise_moments(test::keyed_matrix(fixture)).correlation);
  EXPECT_EQ(omega.flipped, (std::vector<Eigen::Index>{2, 3}));
  EXPECT_NEAR(omega.omega_total, 0.8877331890924253, 1e-6);
  EXPECT_NEAR(omega.omega_total_unflipped, -0.14025715168715516, 1e-9);
}

TEST(OmegaMinres, HeywoodCaseBoundsTheUniquenessLikePsych) {
  // bfi A1..A5 (A1 reversed), first 29 rows: the unconstrained fit puts A5's
  // loading at 1.17. R reference: the principal-axis fixed point with
  // communalities capped at 0.995 (psych's bound), iterated to 1e-15 in R:
  //   h <- smc(R); repeat { Rs <- R; diag(Rs) <- h; e <- eigen(Rs, symmetric = TRUE)
  //     L <- sqrt(e$values[1]) * e$vectors[, 1]; h <- pmin(L^2, 0.995) }
  // (R = cor(x, use = "pairwise")); psych::omega itself stops at 0.636554647065429.
  const auto fixture = test::reliability_fixture("bfi_agreeableness");
  const Eigen::MatrixXd keyed = test::keyed_matrix(fixture).topRows(29);
  const OmegaTotal omega = omega_total_one_factor(pairwise_moments(keyed).correlation);
  EXPECT_TRUE(omega.heywood);
  EXPECT_TRUE(omega.fit.converged);
  EXPECT_NEAR(omega.omega_total, 0.637106598537708, 1e-12);
  EXPECT_NEAR(omega.loadings(4), 1.015519854051480, 1e-12);
  EXPECT_NEAR(omega.omega_total, 0.636554647065429, 1e-3) << "psych";
}

TEST(OmegaMinres, TwoItemsUseSymmetricLoadings) {
  Eigen::MatrixXd r(2, 2);
  r << 1, 0.64, 0.64, 1;
  const OmegaTotal omega = omega_total_one_factor(r);
  EXPECT_DOUBLE_EQ(omega.fit.loadings(0), 0.8);
  EXPECT_DOUBLE_EQ(omega.fit.loadings(1), 0.8);
  EXPECT_DOUBLE_EQ(omega.omega_total, 2 * 0.64 / 1.64);
}

TEST(OmegaMinres, UndefinedForAMatrixWithNaN) {
  Eigen::MatrixXd r = Eigen::MatrixXd::Identity(3, 3);
  r(0, 1) = r(1, 0) = std::nan("");
  EXPECT_TRUE(std::isnan(omega_total_one_factor(r).omega_total));
}

}  // namespace
}  // namespace psyscore
