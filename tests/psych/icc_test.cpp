// Intraclass correlations against psych::ICC(lmer = FALSE): every field at
// 1e-9 relative (strict, also for the tiny p values).

#include "scoring/psych/icc.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "fixtures.hpp"

namespace psyscore {
namespace {

using test::number_at;

::testing::AssertionResult relative(double actual, std::optional<double> expected, double tolerance) {
  if (!expected) return std::isnan(actual) ? ::testing::AssertionSuccess() : ::testing::AssertionFailure() << actual;
  if (std::abs(actual - *expected) <= tolerance * std::abs(*expected)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << actual << " vs " << *expected << " (relative "
                                       << std::abs(actual - *expected) / std::abs(*expected) << ")";
}

TEST(IccFixtures, SixShroutFleissFormsMatchPsych) {
  for (const char* name : {"icc_pre_post_12", "icc_raters"}) {
    const auto fixture = test::read_json(test::data_dir() / "reliability" / (std::string(name) + ".json"));
    const auto rows = test::matrix(fixture.at("data"));
    Eigen::MatrixXd ratings(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows[0].size()));
    for (std::size_t r = 0; r < rows.size(); ++r) {
      for (std::size_t c = 0; c < rows[r].size(); ++c) {
        ratings(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = rows[r][c];
      }
    }
    const std::vector<detail::IccRow> icc = detail::intraclass_correlations(ratings);
    const auto& expected = fixture.at("icc").as_array();
    ASSERT_EQ(icc.size(), expected.size()) << name;
    for (std::size_t i = 0; i < icc.size(); ++i) {
      const auto& e = expected[i];
      const std::string where = std::string(name) + " " + icc[i].type;
      EXPECT_EQ(icc[i].type, e.at("type").as_string()) << where;
      EXPECT_TRUE(relative(icc[i].icc, number_at(e, "icc"), 1e-9)) << where << " icc";
      EXPECT_TRUE(relative(icc[i].f, number_at(e, "f"), 1e-9)) << where << " f";
      EXPECT_TRUE(relative(icc[i].df1, number_at(e, "df1"), 1e-15)) << where << " df1";
      EXPECT_TRUE(relative(icc[i].df2, number_at(e, "df2"), 1e-15)) << where << " df2";
      EXPECT_TRUE(relative(icc[i].p, number_at(e, "p"), 1e-9)) << where << " p";
      EXPECT_TRUE(relative(icc[i].lower, number_at(e, "lower"), 1e-9)) << where << " lower";
      EXPECT_TRUE(relative(icc[i].upper, number_at(e, "upper"), 1e-9)) << where << " upper";
    }
    const detail::IccMeanSquares ms = detail::icc_mean_squares(ratings);
    const auto& m = fixture.at("mean_squares");
    EXPECT_TRUE(relative(ms.msb, number_at(m, "MSB"), 1e-12)) << name << " MSB";
    EXPECT_TRUE(relative(ms.msj, number_at(m, "MSJ"), 1e-12)) << name << " MSJ";
    EXPECT_TRUE(relative(ms.mse, number_at(m, "MSE"), 1e-12)) << name << " MSE";
    EXPECT_TRUE(relative(ms.msw, number_at(m, "MSW"), 1e-12)) << name << " MSW";
  }
}

TEST(IccKernel, MissingDataOrTooSmallGivesNaN) {
  Eigen::MatrixXd ratings(3, 2);
  ratings << 1, 2, 3, std::nan(""), 5, 6;
  for (const detail::IccRow& row : detail::intraclass_correlations(ratings))
    EXPECT_TRUE(std::isnan(row.icc)) << row.type;
  for (const detail::IccRow& row : detail::intraclass_correlations(Eigen::MatrixXd::Ones(1, 4))) {
    EXPECT_TRUE(std::isnan(row.icc)) << row.type;
  }
}

}  // namespace
}  // namespace psyscore
