#include "scoring/stats/location_tests.hpp"

#include <array>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "change_fixtures.hpp"

namespace psyscore::detail {
namespace {

using test::at;
using test::compare_fixture;
using test::number_at;
using test::paired_fixture;

// Every field of R's t.test result at conf.level 0.95.
void expect_t_test(const TTest& result, const boost::json::value& expected, const std::string& name) {
  EXPECT_STAT(result.t, number_at(expected, "t")) << name;
  EXPECT_STAT(result.df, number_at(expected, "df")) << name;
  EXPECT_STAT(result.p, number_at(expected, "p")) << name;
  EXPECT_STAT(result.ci_lower, number_at(expected, "ci_lower")) << name;
  EXPECT_STAT(result.ci_upper, number_at(expected, "ci_upper")) << name;
  EXPECT_STAT(result.estimate, number_at(expected, "mean_difference")) << name;
}

TEST(PairedT, MatchesRTTestPairedAt95And90Percent) {
  constexpr std::array cases = {
      "stats_example",           "group8_exact",          "group12_ties_zero", "cohort80", "small_unreachable",
      "mean_scores_non_integer", "mean_scores_float_ties"};
  for (const std::string name : cases) {
    const auto fixture = paired_fixture(name);
    const auto d = test::paired_differences(fixture);
    const auto result = one_sample_t(d, 0.95);
    ASSERT_TRUE(result) << name;
    expect_t_test(*result, at(fixture, "paired_t"), name);

    const auto& expected_90 = at(fixture, "paired_t_90");
    const auto result_90 = one_sample_t(d, 0.90);
    ASSERT_TRUE(result_90) << name;
    EXPECT_STAT(result_90->ci_lower, number_at(expected_90, "ci_lower")) << name << " 90%";
    EXPECT_STAT(result_90->ci_upper, number_at(expected_90, "ci_upper")) << name << " 90%";
  }
}

TEST(PairedT, StatsWorkedExampleInRsOrder) {
  // docs/statistics.md: t.test(pre, post, paired = TRUE).
  const auto result = one_sample_t(test::differences(test::kStatsExamplePre, test::kStatsExamplePost), 0.95);
  ASSERT_TRUE(result);
  EXPECT_STAT(result->t, 2.71960041460);
  EXPECT_EQ(result->df, 11);
  EXPECT_STAT(result->p, 0.01994569397);
  EXPECT_STAT(result->ci_lower, 0.88991180765);
  EXPECT_STAT(result->ci_upper, 8.44342152568);
}

TEST(PairedT, DegenerateDifferencesFailWithAReason) {
  struct Case {
    const char* name;
    std::vector<double> d;
    TTestFailure failure;
  };
  const Case cases[] = {
      {"one pair", {3}, TTestFailure::too_few_values},
      {"no pair", {}, TTestFailure::too_few_values},
      {"all zero (R: NaN)", {0, 0, 0, 0}, TTestFailure::essentially_constant},
      {"constant shift (R: error)", {-2, -2, -2, -2, -2, -2}, TTestFailure::essentially_constant},
  };
  for (const auto& c : cases) {
    const auto result = one_sample_t(c.d, 0.95);
    ASSERT_FALSE(result) << c.name;
    EXPECT_EQ(result.error(), c.failure) << c.name;
  }
  // The fixtures say the same: R errors for the shift and has NaN t for zeros.
  for (const std::string name : {"all_zero", "constant_shift"}) {
    const auto fixture = paired_fixture(name);
    EXPECT_FALSE(one_sample_t(test::paired_differences(fixture), 0.95)) << name;
    const auto& r_t = at(fixture, "paired_t");
    EXPECT_TRUE(r_t.is_null() || at(r_t, "t").is_null()) << name << ": R has no usable t either";
  }
}

TEST(CompareWelchT, MatchesRTTestWelch) {
  for (const std::string name : {"two_groups_no_ties", "two_groups_ties"}) {
    const auto fixture = compare_fixture(name);
    const auto groups = test::compare_groups(fixture);
    const auto result = welch_t(groups.at(0).second, groups.at(1).second, 0.95);
    ASSERT_TRUE(result) << name;
    expect_t_test(*result, at(fixture, "welch_t"), name);
  }
}

TEST(CompareWelchT, DegenerateSamplesFail) {
  const std::vector<double> one = {4};
  const std::vector<double> two = {4, 6};
  const std::vector<double> flat = {5, 5, 5};
  EXPECT_EQ(welch_t(one, two, 0.95).error(), TTestFailure::too_few_values);
  EXPECT_EQ(welch_t(flat, flat, 0.95).error(), TTestFailure::essentially_constant);
  EXPECT_TRUE(welch_t(flat, two, 0.95)) << "one constant sample is fine";
}

}  // namespace
}  // namespace psyscore::detail
