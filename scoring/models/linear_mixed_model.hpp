// Linear mixed models with one grouping factor (the respondent), fitted by
// restricted maximum likelihood as lme4 1.1 does (Bates, Maechler, Bolker &
// Walker 2015, "Fitting linear mixed-effects models using lme4", J Stat Softw
// 67(1)), with the Satterthwaite degrees of freedom of lmerTest 3.1
// (Kuznetsova, Brockhoff & Christensen 2017). Private to the engine.
//
// The model:  y = X beta + Z b + e,  b_i ~ N(0, sigma^2 Lambda Lambda'),
// e ~ N(0, sigma^2 I), where b_i holds the q random effects of respondent i
// (q = 1: a random intercept; q = 2: a correlated random intercept and
// slope) and Lambda is the q x q lower-triangular relative covariance factor.
// theta lists Lambda's lower triangle column by column (lme4's order); the
// diagonal entries are bounded below by 0.
//
// The REML criterion is profiled over beta and sigma, so the optimiser sees
// theta alone (one parameter for the random intercept, three for intercept and
// slope); BOBYQA from NLopt minimises it. Every quantity the criterion needs is
// a sum over respondents of q x q and q x (p + 1) blocks, computed once from
// the data, so an evaluation costs O(respondents q (p + 1)^2) and allocates
// nothing per respondent.
#pragma once

#include <cstddef>
#include <expected>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "psyscore/deadline.hpp"

namespace psyscore::detail {

struct MixedModelData {
  Eigen::MatrixXd x;                // n x p fixed-effects design, full column rank
  Eigen::MatrixXd z;                // n x q random-effects design, q = 1 or 2
  Eigen::VectorXd y;                // n responses, no NaN
  std::vector<Eigen::Index> group;  // n respondent indices in [0, groups)
  Eigen::Index groups = 0;          // every index in [0, groups) has at least one row
};

struct MixedModelOptions {
  // BOBYQA stops when a step changes every theta by less than this (absolute),
  // or after max_evaluations evaluations of the criterion. lme4's default stop is
  // 1e-8 on theta and on the criterion; this is tighter so that standard errors
  // and df reach the optimum to better than 1e-6 relative.
  double theta_tolerance = 1e-10;
  int max_evaluations = 20000;
  // Looked at before every evaluation of the criterion; once passed, the fit
  // stops (MixedModelFailure::deadline_exceeded). Default: none.
  Deadline deadline;
};

enum class MixedModelFailure {
  too_few_observations,  // n <= p, respondents >= n, or n <= q * respondents (lme4 refuses these)
  rank_deficient,        // X lacks full column rank
  unsupported,           // q is not 1 or 2, or the inputs disagree in size
  optimiser_failed,      // NLopt gave up without a usable point
  deadline_exceeded,     // MixedModelOptions::deadline passed during the optimisation
};

std::string_view to_string(MixedModelFailure failure);

struct MixedModelFit {
  Eigen::Index n_obs = 0;
  Eigen::Index n_groups = 0;
  Eigen::Index q = 0;

  Eigen::VectorXd theta;  // at the optimum
  Eigen::VectorXd beta;
  Eigen::MatrixXd vcov_beta;          // sigma^2 (X' V^-1 X)^-1, V = I + Z Lambda Lambda' Z'
  double sigma = 0;                   // residual SD: sqrt(r^2 / (n - p))
  double reml_criterion = 0;          // lme4's REML deviance at the optimum
  double log_likelihood = 0;          // logLik(): -reml_criterion / 2
  Eigen::MatrixXd random_covariance;  // q x q: sigma^2 Lambda Lambda'
  bool singular = false;              // lme4's isSingular(): a diagonal theta below 1e-4
  int evaluations = 0;                // of the REML criterion by the optimiser

  // lmerTest's ingredients for Satterthwaite: the asymptotic covariance of
  // varpar = (theta, sigma), 2 H^+ with H the Hessian of the unprofiled REML
  // deviance at the optimum (pseudo-inverse over eigenvalues above 1e-8), and
  // the derivatives of vcov_beta with respect to each element of varpar. Both
  // are computed analytically here; lmerTest takes them numerically.
  Eigen::MatrixXd vcov_varpar;
  std::vector<Eigen::MatrixXd> vcov_beta_jacobian;
  bool hessian_negative = false;  // H had an eigenvalue below -1e-8 (lmerTest warns)

  // ranef(condVar = TRUE): each respondent's conditional modes (groups x q) and
  // conditional SDs, sqrt(diag(sigma^2 Lambda (Lambda' Z_i' Z_i Lambda + I)^-1 Lambda')).
  Eigen::MatrixXd random_effects;
  Eigen::MatrixXd random_effects_sd;
};

std::expected<MixedModelFit, MixedModelFailure> fit_reml(const MixedModelData& data,
                                                         const MixedModelOptions& options = {});

// The REML criterion (profiled deviance) at a given theta, for tests and for the
// optimiser's start; NaN when the inputs are unusable.
double reml_criterion(const MixedModelData& data, const Eigen::VectorXd& theta);

// A t test of l' beta = 0 with Satterthwaite's df, as lmerTest's contest1D.
struct SatterthwaiteT {
  double estimate = 0;
  double se = 0;
  double df = 0;
  double t = 0;
  double p = 0;
};
SatterthwaiteT satterthwaite_t(const MixedModelFit& fit, const Eigen::VectorXd& l);

// An F test of L beta = 0 with Satterthwaite's df, as lmerTest's contestMD:
// L V L' = P diag(d) P' is split into its eigen-directions (eigenvalues above
// sqrt(eps) times the largest), each gets a 1-df test with its own df nu_m, and
// the denominator df is 2 E / (E - q) with E = sum nu_m / (nu_m - 2) (2 when
// any nu_m <= 2; their mean when they agree to 1e-8).
struct SatterthwaiteF {
  double f = 0;
  Eigen::Index num_df = 0;
  double den_df = 0;
  double p = 0;
};
SatterthwaiteF satterthwaite_f(const MixedModelFit& fit, const Eigen::MatrixXd& l);

// lmerTest's contrast matrix for a model with a single term: the transposed
// unit lower factor of the Doolittle LU decomposition of X'X (entries below 1e-6
// in magnitude set to 0). anova() tests a term with the rows of its columns.
Eigen::MatrixXd doolittle_contrasts(const Eigen::MatrixXd& x);

}  // namespace psyscore::detail
