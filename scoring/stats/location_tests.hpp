// Student's t tests as R 4.2's t.test computes them: the one-sample test of
// paired differences (t.test(post, pre, paired = TRUE)) and Welch's
// two-sample test (t.test(a, b)). Private to the engine; inputs hold no NaN.
#pragma once

#include <expected>
#include <span>

namespace psyscore::detail {

struct TTest {
  double t = 0;
  double df = 0;
  double p = 0;         // two-sided
  double estimate = 0;  // mean(d), or mean(a) - mean(b)
  double ci_lower = 0;  // at the requested level
  double ci_upper = 0;
};

// Why a t test has no meaningful numbers.
enum class TTestFailure {
  // Fewer than 2 values (a sample of Welch's test): R's "not enough 'x'
  // observations".
  too_few_values,
  // The standard error is 0 or below 10 * machine epsilon of the mean(s),
  // R's "data are essentially constant". Unlike R this includes the case
  // where every difference is 0, for which R returns NaN t, p and CI.
  essentially_constant,
};

// t = mean(d) / (sd(d) / sqrt(n)), df = n - 1, CI (t -/+ q) * se as R forms it.
// ci_level in (0, 1).
std::expected<TTest, TTestFailure> one_sample_t(std::span<const double> differences, double ci_level);

// Welch's unequal-variance t test of mean(a) - mean(b), Welch-Satterthwaite df.
std::expected<TTest, TTestFailure> welch_t(std::span<const double> a, std::span<const double> b, double ci_level);

}  // namespace psyscore::detail
