// Friedman's test against R's friedman.test on the waves fixtures.
#include "scoring/stats/friedman.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "waves_fixtures.hpp"

namespace psyscore::test {
namespace {

// Closed form in R: agreement to 1e-9 relative.
constexpr double kTolerance = 1e-9;

TEST(Friedman, MatchesRFriedmanTest) {
  for (const char* name : kWavesCases) {
    SCOPED_TRACE(name);
    const boost::json::value fixture = waves_fixture(name);
    const detail::FriedmanTest result = detail::friedman(wave_scores(fixture));
    const boost::json::value& expected = fixture.at("friedman");
    ASSERT_TRUE(expected.is_object()) << name;
    EXPECT_EQ(result.n, expected.at("n").to_number<std::size_t>()) << name;
    EXPECT_EQ(result.df, expected.at("df").to_number<std::size_t>()) << name;
    EXPECT_NEAR_REL(result.statistic.value_or(std::nan("")), number_at(expected, "statistic"), kTolerance) << name;
    EXPECT_NEAR_REL(result.p.value_or(std::nan("")), number_at(expected, "p"), kTolerance) << name;
    EXPECT_NEAR_REL(result.kendall_w.value_or(std::nan("")), number_at(expected, "kendall_w"), kTolerance) << name;
  }
}

TEST(Friedman, EdgeCases) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  struct Case {
    const char* name;
    std::vector<std::vector<double>> rows;
    std::size_t n;
    bool defined;
  };
  const Case cases[] = {
      {"every row tied throughout", {{1, 1, 1}, {2, 2, 2}, {5, 5, 5}}, 3, false},
      {"no complete row", {{1, nan, 2}, {nan, 3, 4}}, 0, false},
      {"one wave", {{1}, {2}, {3}}, 0, false},
      {"one complete row", {{1, 2, 3}, {nan, 1, 2}}, 1, true},
  };
  for (const Case& c : cases) {
    Eigen::MatrixXd scores(static_cast<Eigen::Index>(c.rows.size()), static_cast<Eigen::Index>(c.rows[0].size()));
    for (std::size_t i = 0; i < c.rows.size(); ++i)
      for (std::size_t j = 0; j < c.rows[i].size(); ++j)
        scores(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = c.rows[i][j];
    const detail::FriedmanTest result = detail::friedman(scores);
    EXPECT_EQ(result.n, c.n) << c.name;
    EXPECT_EQ(result.statistic.has_value(), c.defined) << c.name;
    EXPECT_EQ(result.p.has_value(), c.defined) << c.name;
    EXPECT_EQ(result.kendall_w.has_value(), c.defined) << c.name;
  }
}

}  // namespace
}  // namespace psyscore::test
