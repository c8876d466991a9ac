#include "scoring/stats/location_tests.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <boost/math/distributions/students_t.hpp>

#include "scoring/stats/descriptives.hpp"
#include "scoring/util/math_policy.hpp"

namespace psyscore::detail {

namespace {

using StudentsT = boost::math::students_t_distribution<double, MathPolicy>;

constexpr double kEpsilon = std::numeric_limits<double>::epsilon();

// R: p = 2 pt(-|t|, df); CI = estimate under H0 (0) + (t -/+ q) * se.
TTest finish(double estimate, double standard_error, double df, double ci_level) {
  TTest test;
  test.estimate = estimate;
  test.df = df;
  test.t = estimate / standard_error;
  const StudentsT distribution(df);
  test.p = 2 * boost::math::cdf(distribution, -std::abs(test.t));
  const double quantile = boost::math::quantile(distribution, 1 - (1 - ci_level) / 2);
  test.ci_lower = (test.t - quantile) * standard_error;
  test.ci_upper = (test.t + quantile) * standard_error;
  return test;
}

}  // namespace

std::expected<TTest, TTestFailure> one_sample_t(std::span<const double> differences, double ci_level) {
  if (differences.size() < 2) return std::unexpected(TTestFailure::too_few_values);
  const double m = mean(differences);
  const double standard_error = std::sqrt(variance(differences) / static_cast<double>(differences.size()));
  if (standard_error == 0 || standard_error < 10 * kEpsilon * std::abs(m)) {
    return std::unexpected(TTestFailure::essentially_constant);
  }
  return finish(m, standard_error, static_cast<double>(differences.size() - 1), ci_level);
}

std::expected<TTest, TTestFailure> welch_t(std::span<const double> a, std::span<const double> b, double ci_level) {
  if (a.size() < 2 || b.size() < 2) return std::unexpected(TTestFailure::too_few_values);
  const double mean_a = mean(a);
  const double mean_b = mean(b);
  const double se_a = std::sqrt(variance(a) / static_cast<double>(a.size()));
  const double se_b = std::sqrt(variance(b) / static_cast<double>(b.size()));
  const double standard_error = std::sqrt(se_a * se_a + se_b * se_b);
  if (standard_error == 0 || standard_error < 10 * kEpsilon * std::max(std::abs(mean_a), std::abs(mean_b))) {
    return std::unexpected(TTestFailure::essentially_constant);
  }
  const double df = std::pow(standard_error, 4) / (std::pow(se_a, 4) / static_cast<double>(a.size() - 1) +
                                                   std::pow(se_b, 4) / static_cast<double>(b.size() - 1));
  return finish(mean_a - mean_b, standard_error, df, ci_level);
}

}  // namespace psyscore::detail
