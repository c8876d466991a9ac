#include "scoring/stats/logistic_regression.hpp"

#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "fixtures.hpp"

namespace psyscore::detail {
namespace {

using test::number;
using test::number_at;

// Closed-form given the fit (coefficients, SEs, z, p, Wald intervals) and the
// fit itself: glm.fit's iterations are reproduced step for step, so the
// estimates agree to rounding. Profile intervals and deviances: 1e-6, the
// contract's tolerance for iterative fits.
constexpr double kClosedForm = 1e-9;
constexpr double kIterative = 1e-6;

::testing::AssertionResult near(double actual, std::optional<double> expected, double tolerance) {
  if (!expected) {
    if (std::isnan(actual)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "actual " << actual << " vs expected null (NA)";
  }
  if (std::abs(actual - *expected) <= tolerance * std::abs(*expected)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "actual " << actual << " vs expected " << *expected << " (relative "
                                       << std::abs(actual - *expected) / std::abs(*expected) << ")";
}

Eigen::VectorXd vector_of(const boost::json::value& array) {
  const auto& values = array.as_array();
  Eigen::VectorXd out(static_cast<Eigen::Index>(values.size()));
  for (std::size_t i = 0; i < values.size(); ++i) {
    const auto value = number(values[i]);
    out(static_cast<Eigen::Index>(i)) = value ? *value : std::nan("");
  }
  return out;
}

Eigen::MatrixXd matrix_of(const boost::json::value& rows) {
  const auto& array = rows.as_array();
  const auto cols = static_cast<Eigen::Index>(array.front().as_array().size());
  Eigen::MatrixXd out(static_cast<Eigen::Index>(array.size()), cols);
  for (std::size_t i = 0; i < array.size(); ++i) {
    out.row(static_cast<Eigen::Index>(i)) = vector_of(array[i]).transpose();
  }
  return out;
}

struct Case {
  std::string name;
  bool check_estimates;  // false where R itself stopped without converging (complete separation)
};

class LogisticRegressionTest : public ::testing::TestWithParam<Case> {};

TEST_P(LogisticRegressionTest, AgreesWithGlmAndMass) {
  const Case& c = GetParam();
  const boost::json::value fixture = test::read_json(test::data_dir() / "model" / (c.name + ".json"));
  const auto& object = fixture.as_object();
  const Eigen::MatrixXd x = matrix_of(object.at("x"));
  const Eigen::VectorXd y = vector_of(object.at("y"));
  LogisticOptions options;
  options.ci_level = *number_at(fixture, "ci_level");
  const LogisticFit fit = fit_logistic(x, y, options);
  const auto& terms = object.at("terms").as_array();

  EXPECT_EQ(fit.converged, object.at("converged").as_bool()) << c.name;
  EXPECT_EQ(fit.iterations, static_cast<int>(*number_at(fixture, "iterations"))) << c.name;
  EXPECT_EQ(fit.rank, static_cast<Eigen::Index>(*number_at(fixture, "rank"))) << c.name;
  EXPECT_EQ(fit.df_residual, static_cast<Eigen::Index>(*number_at(fixture, "df_residual"))) << c.name;
  EXPECT_EQ(fit.df_null, static_cast<Eigen::Index>(*number_at(fixture, "df_null"))) << c.name;
  EXPECT_TRUE(near(fit.null_deviance, number_at(fixture, "null_deviance"), kClosedForm)) << c.name;

  // Separation: the flag and exactly the terms whose estimates are infinite.
  const bool separated = object.at("separation").as_bool();
  EXPECT_EQ(fit.separation != Separation::kNone, separated) << c.name;
  std::vector<std::string> expected_separated;
  for (const auto& term : object.at("separated_terms").as_array()) {
    expected_separated.emplace_back(term.as_string());
  }
  std::vector<std::string> actual_separated;
  for (Eigen::Index j : fit.separated_columns) {
    actual_separated.emplace_back(terms[static_cast<std::size_t>(j)].as_string());
  }
  EXPECT_EQ(actual_separated, expected_separated) << c.name;
  if (!c.check_estimates) return;

  EXPECT_TRUE(near(fit.deviance, number_at(fixture, "deviance"), kIterative)) << c.name;
  EXPECT_TRUE(near(fit.aic, number_at(fixture, "aic"), kIterative)) << c.name;
  EXPECT_TRUE(near(fit.lr_chi_squared, number_at(fixture, "lr_chi_squared"), kIterative)) << c.name;
  EXPECT_EQ(fit.lr_df, static_cast<Eigen::Index>(*number_at(fixture, "lr_df"))) << c.name;
  EXPECT_TRUE(near(fit.lr_p, number_at(fixture, "lr_p"), kIterative)) << c.name;
  EXPECT_TRUE(near(fit.nagelkerke_r2, number_at(fixture, "nagelkerke_r2"), kIterative)) << c.name;

  const Eigen::VectorXd coefficients = vector_of(object.at("coefficients"));
  const Eigen::VectorXd se = vector_of(object.at("se"));
  const Eigen::VectorXd z = vector_of(object.at("z"));
  const Eigen::VectorXd p = vector_of(object.at("p"));
  const Eigen::VectorXd wald_lower = vector_of(object.at("wald_lower"));
  const Eigen::VectorXd wald_upper = vector_of(object.at("wald_upper"));
  const auto& profile_lower = object.at("profile_lower").as_array();
  const auto& profile_upper = object.at("profile_upper").as_array();
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    const std::string where = c.name + " " + std::string(terms[static_cast<std::size_t>(j)].as_string());
    const bool infinite =
        std::find(fit.separated_columns.begin(), fit.separated_columns.end(), j) != fit.separated_columns.end();
    // Estimates that run off to infinity stop wherever glm's convergence rule
    // stops them: R and psyscore agree only roughly there.
    const double tolerance = infinite ? 1e-4 : kClosedForm;
    EXPECT_TRUE(near(fit.coefficients(j), coefficients(j), tolerance)) << where;
    EXPECT_TRUE(near(fit.standard_errors(j), se(j), infinite ? 1e-3 : kClosedForm)) << where;
    EXPECT_TRUE(near(fit.z(j), z(j), infinite ? 1e-3 : kClosedForm)) << where;
    EXPECT_TRUE(near(fit.p(j), p(j), infinite ? 1e-3 : kClosedForm)) << where;
    EXPECT_TRUE(near(fit.wald_lower(j), wald_lower(j), infinite ? 1e-3 : kClosedForm)) << where;
    EXPECT_TRUE(near(fit.wald_upper(j), wald_upper(j), infinite ? 1e-3 : kClosedForm)) << where;
    const auto& lower = fit.profile_lower[static_cast<std::size_t>(j)];
    const auto& upper = fit.profile_upper[static_cast<std::size_t>(j)];
    if (infinite) {
      EXPECT_FALSE(lower.has_value()) << where << ": no profile interval for a separated term";
      EXPECT_FALSE(upper.has_value()) << where << ": no profile interval for a separated term";
      continue;
    }
    EXPECT_TRUE(near(lower.value_or(std::nan("")), number(profile_lower[static_cast<std::size_t>(j)]), kIterative))
        << where << " profile lower";
    EXPECT_TRUE(near(upper.value_or(std::nan("")), number(profile_upper[static_cast<std::size_t>(j)]), kIterative))
        << where << " profile upper";
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, LogisticRegressionTest,
                         ::testing::Values(Case{"survey", true}, Case{"survey_90", true},
                                           Case{"missing_covariates", true}, Case{"small_2x2", true},
                                           Case{"numeric_only", true}, Case{"quasi_separated", true},
                                           Case{"separated", false}),
                         [](const auto& param_info) { return param_info.param.name; });

TEST(LogisticRegression, AliasedColumnIsNaAsInR) {
  // A duplicated column: glm reports NA for the second copy and fits the rest.
  Eigen::MatrixXd x(8, 3);
  x << 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 1;
  Eigen::VectorXd y(8);
  y << 0, 1, 1, 0, 0, 1, 0, 0;
  const LogisticFit fit = fit_logistic(x, y);
  ASSERT_EQ(fit.aliased, std::vector<Eigen::Index>{2}) << "duplicate column";
  EXPECT_TRUE(std::isnan(fit.coefficients(2))) << "duplicate column";
  EXPECT_FALSE(fit.profile_lower[2].has_value()) << "duplicate column";
  EXPECT_EQ(fit.rank, 2) << "duplicate column";
  EXPECT_EQ(fit.separation, Separation::kNone) << "duplicate column";
  // 1/4 events at x = 0, 2/4 at x = 1: log odds -log 3 and 0.
  EXPECT_NEAR(fit.coefficients(0), -std::log(3.0), 1e-9) << "duplicate column";
  EXPECT_NEAR(fit.coefficients(1), std::log(3.0), 1e-9) << "duplicate column";
}

TEST(LogisticRegression, SeparationKinds) {
  Eigen::MatrixXd x(6, 2);
  x << 1, 1, 1, 2, 1, 3, 1, 4, 1, 5, 1, 6;
  Eigen::VectorXd complete(6);
  complete << 0, 0, 0, 1, 1, 1;
  EXPECT_EQ(detect_separation(x, complete).kind, Separation::kComplete) << "threshold between 3 and 4";
  Eigen::MatrixXd tied(6, 2);
  tied << 1, 1, 1, 2, 1, 3, 1, 3, 1, 5, 1, 6;
  Eigen::VectorXd quasi(6);
  quasi << 0, 0, 0, 1, 1, 1;
  EXPECT_EQ(detect_separation(tied, quasi).kind, Separation::kQuasiComplete) << "a tie at 3 across the split";
  Eigen::VectorXd overlap(6);
  overlap << 0, 1, 0, 1, 0, 1;
  EXPECT_EQ(detect_separation(x, overlap).kind, Separation::kNone) << "overlap";
}

}  // namespace
}  // namespace psyscore::detail
