// Omega total from a one-factor minres fit, as psych::omega(nfactors = 1,
// fm = "minres") computes omega.tot. Input: a correlation matrix (psych uses
// the pairwise-complete correlations, cor(use = "pairwise")).
#pragma once

#include <vector>

#include <Eigen/Core>

namespace psyscore::detail {

struct OneFactorFit {
  // Loadings L minimising the sum of squared off-diagonal residuals of
  // R - L L', oriented so that sum(L) >= 0 (psych's fa orientation).
  Eigen::VectorXd loadings;
  double offdiag_ssr = 0;  // sum over i < j of (r_ij - L_i L_j)^2
  int iterations = 0;
  bool converged = false;  // gradient below 1e-10 (typically ~1e-15)
  // Some unconstrained loading^2 exceeded 0.995. The loadings are then the
  // principal-axis fixed point with communalities capped at 0.995, which is
  // where psych's bounded optimiser heads (it stops near it, ~1e-3 away).
  bool heywood = false;
};

// Minres (unweighted least squares) one-factor fit, started like psych at
// the squared multiple correlations, refined by principal-axis steps and then
// Newton steps to the stationary point (see `heywood` for the bounded case).
// For k = 2 the fit is not identified (only L1 L2 = r12 matters); both
// loadings are sqrt(|r12|) as psych gives.
OneFactorFit minres_one_factor(const Eigen::Ref<const Eigen::MatrixXd>& correlation);

struct OmegaTotal {
  // psych's omega.tot: items with a negative loading are reversed first
  // (R -> D R D, D = diag(sign(L))), then (sum(R) - sum(1 - L^2)) / sum(R).
  double omega_total = 0;
  // The same without the sign flip (differs only when an item was flipped).
  double omega_total_unflipped = 0;
  Eigen::VectorXd loadings;           // |L| after the flip (psych's schmid g loadings)
  std::vector<Eigen::Index> flipped;  // items with a negative loading
  OneFactorFit fit;
  bool heywood = false;  // = fit.heywood
};
OmegaTotal omega_total_one_factor(const Eigen::Ref<const Eigen::MatrixXd>& correlation);

}  // namespace psyscore::detail
