// The one-factor minres fit and omega_total against the fixtures.
//
// Tolerances: psych stops its L-BFGS-B minres with loadings accurate to about
// 1e-6, so psych's omega_total is matched at 1e-6 relative. The fixtures also
// hold `refined`, the minres stationary point iterated to 1e-15 from psych's
// loadings: the Newton-polished fit here matches it at 1e-10.

#include "scoring/psych/omega.hpp"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "reliability_fixture_data.hpp"
#include "scoring/kernels/covariance.hpp"

namespace psyscore {
namespace {

using test::number;
using test::number_at;

TEST(OmegaMinres, MatchesTheConvergedReferenceAndPsych) {
  for (const auto& name : test::alpha_fixture_names()) {
    const auto fixture = test::reliability_fixture(name);
    const Eigen::MatrixXd keyed = test::keyed_matrix(fixture);
    // psych::omega fits cor(use = "pairwise"), not cov2cor of the covariance.
    const detail::OmegaTotal omega = detail::omega_total_one_factor(detail::pairwise_moments(keyed).correlation);
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
  const detail::OmegaTotal omega =
      detail::omega_total_one_factor(detail::pairwise_moments(test::keyed_matrix(fixture)).correlation);
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
  const detail::OmegaTotal omega = detail::omega_total_one_factor(detail::pairwise_moments(keyed).correlation);
  EXPECT_TRUE(omega.heywood);
  EXPECT_TRUE(omega.fit.converged);
  EXPECT_NEAR(omega.omega_total, 0.637106598537708, 1e-12);
  EXPECT_NEAR(omega.loadings(4), 1.015519854051480, 1e-12);
  EXPECT_NEAR(omega.omega_total, 0.636554647065429, 1e-3) << "psych";
}

TEST(OmegaMinres, ConvergesWhereTheObjectiveIsFlatToRounding) {
  // The pairwise correlations of the PA items of bench/peers/make_data.py's
  // 10,000 respondents (2% missing). Near the optimum a Newton step lowers
  // the objective by less than its rounding error; line-searching on the
  // objective alone stalled here at a gradient of 1.7e-10 (not converged).
  const std::vector<double> lower = {
      0.34119674149700702, 0.42714961818886343, 0.3358789995922562,  0.42030232860383565, 0.3265709310182518,
      0.40737357067786689, 0.39884413098584698, 0.29142269020300149, 0.37992052643904084, 0.36768609421995629,
      0.41934785739055852, 0.33864291049615625, 0.40134119391536555, 0.41189749609537546, 0.38061494098470855,
      0.32151282565402312, 0.24398719430995816, 0.3119233312892325,  0.30903826142361163, 0.29279440620416264,
      0.3191345499205111,  0.37882320090018767, 0.29820546619755028, 0.36389328251991127, 0.36970951984475037,
      0.33973266345736586, 0.36854080861978677, 0.27549667648790738};
  Eigen::MatrixXd r = Eigen::MatrixXd::Identity(8, 8);
  for (Eigen::Index i = 1, next = 0; i < 8; ++i) {
    for (Eigen::Index j = 0; j < i; ++j) r(i, j) = r(j, i) = lower[static_cast<std::size_t>(next++)];
  }
  const detail::OneFactorFit fit = detail::minres_one_factor(r);
  EXPECT_TRUE(fit.converged);
  Eigen::MatrixXd residual = r - fit.loadings * fit.loadings.transpose();
  residual.diagonal().setZero();
  EXPECT_LT((2 * (residual * fit.loadings)).cwiseAbs().maxCoeff(), 1e-14);
}

TEST(OmegaMinres, TwoItemsUseSymmetricLoadings) {
  Eigen::MatrixXd r(2, 2);
  r << 1, 0.64, 0.64, 1;
  const detail::OmegaTotal omega = detail::omega_total_one_factor(r);
  EXPECT_DOUBLE_EQ(omega.fit.loadings(0), 0.8);
  EXPECT_DOUBLE_EQ(omega.fit.loadings(1), 0.8);
  EXPECT_DOUBLE_EQ(omega.omega_total, 2 * 0.64 / 1.64);
}

TEST(OmegaMinres, UndefinedForAMatrixWithNaN) {
  Eigen::MatrixXd r = Eigen::MatrixXd::Identity(3, 3);
  r(0, 1) = r(1, 0) = std::nan("");
  EXPECT_TRUE(std::isnan(detail::omega_total_one_factor(r).omega_total));
}

}  // namespace
}  // namespace psyscore
