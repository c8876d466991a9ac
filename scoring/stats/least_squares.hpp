// Ordinary and weighted least squares as R's lm() / lm.wfit() fit them: a
// Householder QR with R's limited column pivoting (LINPACK dqrdc2, tolerance
// 1e-7), so a column that is collinear with earlier columns is reported as
// aliased (R's NA coefficient) instead of being hidden in a pseudo-inverse.
// The building block of ANCOVA (analysis "controlled") and of the iteratively
// reweighted fits of logistic regression. Private to the engine.
#pragma once

#include <vector>

#include <Eigen/Core>

namespace psyscore::detail {

struct LeastSquaresFit {
  Eigen::VectorXd coefficients;         // NaN for aliased columns (R's NA)
  Eigen::MatrixXd unscaled_covariance;  // (X'WX)^-1 over estimable columns; NaN rows/cols for aliased ones
  Eigen::VectorXd fitted;
  Eigen::VectorXd residuals;  // y - fitted
  Eigen::Index rank = 0;
  std::vector<Eigen::Index> aliased;  // columns R's lm() reports as NA (collinear with earlier columns, R's dqrdc2
                                      // rule, tol 1e-7)
  double weighted_rss = 0;            // sum of w * residual^2
  Eigen::Index df_residual = 0;       // n - rank
};

// Fits y ~ x (x holds every column of the model matrix, the intercept
// included when wanted). `weights` empty = unweighted; otherwise one
// non-negative finite weight per row. As lm.wfit, rows of weight 0 take no
// part in the fit and are not counted in df_residual (n is the number of
// positive weights), but they get fitted values and residuals.
//
// A column is aliased when, after the earlier kept columns are projected out,
// what is left of it has a norm below 1e-7 times its original norm (a zero
// column always is); it is moved behind the others and the fit goes on. With
// more columns than rows at most n are kept. Aliased columns count as 0 in
// `fitted`. Every column aliased (or no rows) gives rank 0, fitted 0.
//
// Preconditions (programming errors, not user input): x.rows() == y.size();
// weights empty or of size y.size(), each >= 0; no NaN or infinity in x, y or
// weights. Never throws; thread-safe (no shared state).
LeastSquaresFit fit_least_squares(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                  const Eigen::VectorXd& weights = {});

}  // namespace psyscore::detail
