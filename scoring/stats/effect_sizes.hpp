// Standardized effect sizes of a pre/post change, with the formulas named in
// docs/statistics.md. Private to the engine.
#pragma once

#include <span>

namespace psyscore::detail {

// Hedges' exact small-sample correction
// J(df) = Gamma(df/2) / (sqrt(df/2) Gamma((df - 1)/2)), through lgamma so that
// large df do not overflow. NaN for df <= 1, where J is 0 or undefined and a
// "corrected" effect would mean nothing.
double hedges_j(double df);

struct PairedEffectSizes {
  double d_z = 0;         // mean(d) / sd(d)
  double d_av = 0;        // mean(d) / sqrt((var(pre) + var(post)) / 2)
  double d_rm = 0;        // mean(d) sqrt(2 (1 - r)) / sd(d)
  double g_z = 0;         // J(n - 1) d_z
  double g_av = 0;        // J(n - 1) d_av
  double r_pre_post = 0;  // cor(pre, post)
  double j = 0;           // J(n - 1)
};

// Effect sizes of d = post - pre over matched pairs (pre[i] and post[i] belong
// to one person). Each carries the sign of mean(d). A value that is undefined
// (a zero SD in a denominator, n < 3 for g) is NaN or infinite; callers
// report it as null.
PairedEffectSizes paired_effect_sizes(std::span<const double> pre, std::span<const double> post);

}  // namespace psyscore::detail
