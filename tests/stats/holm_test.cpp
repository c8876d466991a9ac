#include "scoring/stats/holm.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "change_fixtures.hpp"

namespace psyscore::detail {
namespace {

using test::at;
using test::change_fixture;
using test::numbers;
using test::read_json;

void expect_holm(const boost::json::value& block, const std::string& label) {
  const auto p = numbers(at(block, "p"));
  const auto expected = numbers(at(block, "p_holm"));
  const auto adjusted = holm_adjust(p);
  ASSERT_EQ(adjusted.size(), expected.size()) << label;
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_STAT(adjusted[i], expected[i]) << label << " [" << i << "]";
}

TEST(Holm, MatchesRPAdjustOnEveryFixtureVector) {
  const auto fixture = read_json(change_fixture("holm"));
  expect_holm(fixture, "first vector");
  const auto& more = at(fixture, "more").as_array();
  for (std::size_t k = 0; k < more.size(); ++k) expect_holm(more[k], "more[" + std::to_string(k) + "]");
}

TEST(Holm, NaNStaysNaNAndDoesNotCount) {
  // R: p.adjust(c(0.01, NA, 0.04), "holm") = 0.02 NA 0.04.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto adjusted = holm_adjust(std::vector<double>{0.01, nan, 0.04});
  EXPECT_EQ(adjusted[0], 0.02);
  EXPECT_TRUE(std::isnan(adjusted[1]));
  EXPECT_EQ(adjusted[2], 0.04);
  EXPECT_TRUE(holm_adjust(std::vector<double>{}).empty());
}

}  // namespace
}  // namespace psyscore::detail
