// Analysis of covariance of a controlled pre/post design, as R 4.2 and
// emmeans 1.8 compute it: lm(post ~ pre + group) with treatment coding (the
// first group is the reference), summary() coefficients with confint(),
// drop1(model, test = "F") for group and the partial eta squared from it,
// emmeans(model, ~ group) adjusted means (pre at its mean), and the pre x
// group interaction test that says whether one common slope is a fair
// assumption (anova(model, lm(post ~ pre * group))). Private to the engine.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Core>

namespace psyscore::detail {

// One row of summary(lm)$coefficients with its confint() interval. Every
// number is NaN for a column the fit reports as aliased (R's NA).
struct AncovaCoefficient {
  std::string term;  // "(Intercept)", "pre", "group<name>" (R's names)
  double estimate = 0;
  double se = 0;
  double t = 0;
  double p = 0;  // two-sided
  double lower = 0;
  double upper = 0;
};

struct FTest {
  double f = 0;
  double num_df = 0;
  double den_df = 0;
  double p = 0;  // upper tail
};

// emmeans(model, ~ group) at the requested level.
struct AdjustedMean {
  std::string group;
  double estimate = 0;
  double se = 0;
  double df = 0;
  double lower = 0;
  double upper = 0;
};

struct AncovaResult {
  Eigen::Index n = 0;  // rows with both scores
  Eigen::Index df_residual = 0;
  double r_squared = 0;
  double adj_r_squared = 0;
  double sigma = 0;  // residual standard error
  std::vector<AncovaCoefficient> coefficients;
  std::vector<std::string> aliased_terms;  // terms R would report as NA
  FTest group_test;                        // drop1(model, test = "F"), row "group"
  double group_sum_of_squares = 0;         // drop1's "Sum of Sq"
  double residual_sum_of_squares = 0;
  double partial_eta_squared = 0;  // SS_group / (SS_group + SS_residual)
  std::vector<AdjustedMean> adjusted_means;
  double pre_mean = 0;  // where the adjusted means are evaluated
  FTest interaction_test;
};

// `pre`, `post` and `group` have one entry per respondent; NaN marks a
// missing score, and a row missing either score is left out (R's
// na.action = na.omit). group[i] indexes `group_names`, whose first entry is
// the reference level. Statistics that the data leave undefined (no residual
// degrees of freedom, an aliased column, a constant outcome) are NaN.
// Preconditions: equal sizes, every group index < group_names.size(),
// group_names.size() >= 2, ci_level in (0, 1). Thread-safe.
AncovaResult ancova(std::span<const double> pre, std::span<const double> post, std::span<const std::size_t> group,
                    std::span<const std::string> group_names, double ci_level);

}  // namespace psyscore::detail
