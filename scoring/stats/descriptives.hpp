// Descriptive statistics computed the way R computes them, so that every
// statistic built on them agrees with R to the last few bits: means and sums
// of squares accumulate in long double with R's second, correcting pass.
// Private to the engine. Inputs hold no NaN (callers drop missing values).
#pragma once

#include <cstddef>
#include <span>

namespace psyscore::detail {

// R's mean(): NaN when x is empty.
double mean(std::span<const double> x);

// R's var() (denominator n - 1): NaN when x has fewer than 2 values.
double variance(std::span<const double> x);

// sqrt(variance(x)).
double standard_deviation(std::span<const double> x);

// R's cor(x, y) (Pearson, x and y of equal length): NaN when n < 2 or either
// is constant.
double correlation(std::span<const double> x, std::span<const double> y);

// R's quantile(x, probability, type = 7): NaN when x is empty.
double quantile_type7(std::span<const double> x, double probability);

// R's median(): NaN when x is empty.
double median(std::span<const double> x);

// n, mean, sd, median and the type-7 quartiles of one sample.
struct Summary {
  std::size_t n = 0;
  double mean = 0;
  double sd = 0;  // NaN when n < 2
  double median = 0;
  double q1 = 0;
  double q3 = 0;
};
Summary summarize(std::span<const double> x);

}  // namespace psyscore::detail
