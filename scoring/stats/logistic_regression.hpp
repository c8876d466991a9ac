// Logistic regression as R's glm(family = binomial) fits it (iteratively
// reweighted least squares exactly as glm.fit: starting values, step, convergence
// rule and iteration limit), with summary.glm's Wald statistics, confint.default's
// Wald intervals and MASS's profile-likelihood intervals (profile.glm + confint:
// the same profile steps, the same spline through them), the likelihood-ratio test
// against the intercept-only model and Nagelkerke's R squared as SPSS reports it.
//
// Separation (the maximum-likelihood estimate does not exist because some
// combination of predictors splits events from non-events) is detected exactly,
// not guessed from large coefficients: a coefficient can run off to infinity iff a
// direction b with s_i x_i'b >= 0 for every row (s_i = +1 for an event, -1
// otherwise) has b_j != 0, which by Farkas' lemma is a cone-membership question
// answered by non-negative least squares. Private to the engine.
#pragma once

#include <optional>
#include <vector>

#include <Eigen/Core>

#include "psyscore/statistic.hpp"

namespace psyscore::detail {

struct LogisticOptions {
  double ci_level = 0.95;   // Default: 0.95; for the Wald and profile intervals
  bool profile = true;      // Default: true; profile-likelihood intervals (the costly part)
  int max_iterations = 25;  // Default: 25, glm.control()'s maxit
  double epsilon = 1e-8;    // Default: 1e-8, glm.control()'s epsilon
};

enum class Separation { kNone, kQuasiComplete, kComplete };

struct LogisticFit {
  // One entry per column of x, in its order; NaN for aliased columns (R's NA).
  Eigen::VectorXd coefficients;
  Eigen::VectorXd standard_errors;
  Eigen::VectorXd z;
  Eigen::VectorXd p;
  Eigen::VectorXd wald_lower;  // on the log-odds scale (exp gives the odds ratio)
  Eigen::VectorXd wald_upper;
  // Profile-likelihood interval on the log-odds scale; nullopt where MASS gives NA
  // (the profile never reaches the cut-off), for aliased columns, for columns a
  // separation affects, and for all when `profile` is off.
  std::vector<Statistic> profile_lower;
  std::vector<Statistic> profile_upper;
  std::vector<Eigen::Index> aliased;

  double deviance = 0;
  double null_deviance = 0;
  Eigen::Index df_residual = 0;
  Eigen::Index df_null = 0;
  Eigen::Index rank = 0;
  double aic = 0;
  double lr_chi_squared = 0;  // null_deviance - deviance
  Eigen::Index lr_df = 0;     // rank - 1
  double lr_p = 0;
  double nagelkerke_r2 = 0;  // Cox-Snell R^2 / its maximum, as SPSS

  int iterations = 0;
  bool converged = false;
  bool fitted_extreme = false;  // R's "fitted probabilities numerically 0 or 1 occurred"

  Separation separation = Separation::kNone;
  std::vector<Eigen::Index> separated_columns;  // columns whose estimate is infinite
};

// Fits y ~ x by maximum likelihood. x holds every column of the model matrix (the
// intercept column included, first, as R's model.matrix); y is 0/1 per row.
// Preconditions (programming errors, not user input): x.rows() == y.size() > 0; y
// only 0 and 1; no NaN or infinity. Never throws; thread-safe.
LogisticFit fit_logistic(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const LogisticOptions& options = {});

struct SeparationCheck {
  Separation kind = Separation::kNone;
  std::vector<Eigen::Index> columns;  // ascending
};

// Whether the binomial likelihood of y ~ x has no maximum, and which columns'
// estimates are infinite. `skip` lists columns to leave out (aliased ones).
SeparationCheck detect_separation(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                  const std::vector<Eigen::Index>& skip = {});

}  // namespace psyscore::detail
