// Intraclass correlations: the six Shrout & Fleiss (1979) forms with their F
// tests and confidence bounds, from a two-way ANOVA, exactly as
// psych::ICC(x, lmer = FALSE) reports them. For test-retest reliability pass
// subjects x occasions (e.g. the pre and post scores of matched pairs).
#pragma once

#include <string>
#include <vector>

#include <Eigen/Core>

namespace psyscore::detail {

struct IccRow {
  std::string type;  // "ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"
  double icc, f, df1, df2, p, lower, upper;
};

// The mean squares of the two-way ANOVA (subjects x raters).
struct IccMeanSquares {
  double msb = 0;  // between subjects (rows)
  double msj = 0;  // between judges/occasions (columns)
  double mse = 0;  // residual
  double msw = 0;  // within subjects: (SSJ + SSE) / (dfJ + dfE)
};

// ratings: subjects x occasions (or raters), complete (no NaN), at least 2 x 2.
// ci_level: level of the bounds (psych: 0.95). With a NaN in `ratings`, or
// fewer than 2 rows or columns, every number of every row is NaN.
std::vector<IccRow> intraclass_correlations(
    const Eigen::Ref<const Eigen::MatrixXd>& ratings /* subjects x occasions, complete */, double ci_level = 0.95);

IccMeanSquares icc_mean_squares(const Eigen::Ref<const Eigen::MatrixXd>& ratings);

}  // namespace psyscore::detail
