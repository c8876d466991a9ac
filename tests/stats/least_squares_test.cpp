#include "scoring/stats/least_squares.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "fixtures.hpp"

namespace psyscore::detail {
namespace {

using test::number;

// Closed-form quantities from the same QR: R agrees to this relative
// tolerance. `floor` is 0 (strictly relative) except for residuals and the
// residual sum of squares: a residual is y - fitted, so its rounding error is
// of the order of eps |y|, and a perfect fit's residuals are pure rounding
// (1e-14 in R and here, with different signs); those are held to 1e-9 of
// max |y| (of its square for the sum of squares).
constexpr double kRelative = 1e-9;

::testing::AssertionResult near(double actual, std::optional<double> expected, double floor = 0) {
  if (!expected) {
    if (std::isnan(actual)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "actual " << actual << " vs expected null (NA)";
  }
  const double tolerance = kRelative * std::max(std::abs(*expected), floor);
  if (std::abs(actual - *expected) <= tolerance) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "actual " << actual << " vs expected " << *expected << " (difference "
                                       << std::abs(actual - *expected) << ")";
}

Eigen::VectorXd vector_of(const boost::json::value& array) {
  const auto& values = array.as_array();
  Eigen::VectorXd out(static_cast<Eigen::Index>(values.size()));
  for (std::size_t i = 0; i < values.size(); ++i) out(static_cast<Eigen::Index>(i)) = number(values[i]).value();
  return out;
}

Eigen::MatrixXd matrix_of(const boost::json::value& rows) {
  const auto& array = rows.as_array();
  const auto cols = static_cast<Eigen::Index>(array.front().as_array().size());
  Eigen::MatrixXd out(static_cast<Eigen::Index>(array.size()), cols);
  for (std::size_t i = 0; i < array.size(); ++i) {
    const auto& row = array[i].as_array();
    for (std::size_t j = 0; j < row.size(); ++j) {
      const auto value = number(row[j]);
      out(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = value ? *value : std::nan("");
    }
  }
  return out;
}

boost::json::value fixture(const std::string& name) {
  return test::read_json(test::data_dir() / "least_squares" / (name + ".json"));
}

TEST(LeastSquares, MatchesRLmFitAndLmWfit) {
  constexpr std::array cases = {"simple",      "two_predictors_factor", "collinear_middle", "collinear_last",
                                "zero_column", "duplicate_intercept",   "weighted",         "weighted_zero_weights",
                                "wide",        "perfect_fit",           "near_collinear",   "barely_independent"};
  for (const std::string name : cases) {
    const auto expected = fixture(name);
    const auto& object = expected.as_object();
    const Eigen::MatrixXd x = matrix_of(object.at("x"));
    const Eigen::VectorXd y = vector_of(object.at("y"));
    const Eigen::VectorXd weights =
        object.at("weights").as_array().empty() ? Eigen::VectorXd() : vector_of(object.at("weights"));
    const LeastSquaresFit fit = fit_least_squares(x, y, weights);
    const double scale = y.cwiseAbs().maxCoeff();

    EXPECT_EQ(fit.rank, object.at("rank").as_int64()) << name;
    EXPECT_EQ(fit.df_residual, object.at("df_residual").as_int64()) << name;
    std::vector<Eigen::Index> aliased;
    for (const auto& column : object.at("aliased").as_array()) aliased.push_back(column.as_int64());
    EXPECT_EQ(fit.aliased, aliased) << name;

    const auto& coefficients = object.at("coefficients").as_array();
    ASSERT_EQ(fit.coefficients.size(), static_cast<Eigen::Index>(coefficients.size())) << name;
    for (std::size_t j = 0; j < coefficients.size(); ++j) {
      EXPECT_TRUE(near(fit.coefficients(static_cast<Eigen::Index>(j)), number(coefficients[j])))
          << name << " coefficient " << j;
    }
    const auto& covariance = object.at("unscaled_covariance").as_array();
    for (std::size_t i = 0; i < covariance.size(); ++i) {
      const auto& row = covariance[i].as_array();
      for (std::size_t j = 0; j < row.size(); ++j) {
        EXPECT_TRUE(
            near(fit.unscaled_covariance(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)), number(row[j])))
            << name << " unscaled covariance " << i << "," << j;
      }
    }
    const auto& fitted = object.at("fitted").as_array();
    const auto& residuals = object.at("residuals").as_array();
    for (std::size_t i = 0; i < fitted.size(); ++i) {
      const auto r = static_cast<Eigen::Index>(i);
      EXPECT_TRUE(near(fit.fitted(r), number(fitted[i]))) << name << " fitted " << i;
      EXPECT_TRUE(near(fit.residuals(r), number(residuals[i]), scale)) << name << " residual " << i;
    }
    EXPECT_TRUE(near(fit.weighted_rss, number(object.at("weighted_rss")), scale * scale)) << name << " weighted rss";
  }
}

TEST(LeastSquares, DegenerateShapes) {
  struct Case {
    const char* name;
    Eigen::MatrixXd x;
    Eigen::VectorXd y;
    Eigen::Index rank;
    std::vector<Eigen::Index> aliased;
    Eigen::Index df_residual;
  };
  const std::vector<Case> cases = {
      {"no rows", Eigen::MatrixXd(0, 2), Eigen::VectorXd(0), 0, {0, 1}, 0},
      {"no columns", Eigen::MatrixXd(3, 0), Eigen::VectorXd::Ones(3), 0, {}, 3},
      {"only zero columns", Eigen::MatrixXd::Zero(4, 2), Eigen::VectorXd::Ones(4), 0, {0, 1}, 4},
      {"one row", Eigen::MatrixXd::Ones(1, 2), Eigen::VectorXd::Ones(1), 1, {1}, 0},
  };
  for (const Case& c : cases) {
    const LeastSquaresFit fit = fit_least_squares(c.x, c.y);
    EXPECT_EQ(fit.rank, c.rank) << c.name;
    EXPECT_EQ(fit.aliased, c.aliased) << c.name;
    EXPECT_EQ(fit.df_residual, c.df_residual) << c.name;
    EXPECT_EQ(fit.fitted.size(), c.y.size()) << c.name;
    for (Eigen::Index j = 0; j < c.x.cols(); ++j) {
      const bool is_aliased = std::find(c.aliased.begin(), c.aliased.end(), j) != c.aliased.end();
      EXPECT_EQ(std::isnan(fit.coefficients(j)), is_aliased) << c.name << " column " << j;
    }
  }
}

TEST(LeastSquares, UnitWeightsEqualNoWeights) {
  Eigen::MatrixXd x(5, 2);
  x << 1, 1, 1, 2, 1, 4, 1, 5, 1, 9;
  Eigen::VectorXd y(5);
  y << 2.5, 3.1, 6.0, 6.2, 11.3;
  const LeastSquaresFit plain = fit_least_squares(x, y);
  const LeastSquaresFit unit = fit_least_squares(x, y, Eigen::VectorXd::Ones(5));
  for (Eigen::Index j = 0; j < 2; ++j) {
    EXPECT_DOUBLE_EQ(plain.coefficients(j), unit.coefficients(j)) << "coefficient " << j;
  }
  EXPECT_DOUBLE_EQ(plain.weighted_rss, unit.weighted_rss);
}

}  // namespace
}  // namespace psyscore::detail
