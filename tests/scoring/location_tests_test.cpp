#include "location_tests.hpp"

#include <array>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "change_fixtures.hpp"

namespace psyscore::detail {
namespace {

using test::at;
using test::change_fixture;
using test::number_at;
using test::numbers;
using test::read_json;

std::vector<double> differences_of(const boost::json::value& fixture) {
  const std::vector<double> pre = numbers(at(fixture, "pre"));
  const std::vector<double> post = numbers(at(fixture, "post"));
  std::vector<double> d(pre.size());
  for (std::size_t i = 0; i < pre.size(); ++i) d[i] = post[i] - pre[i];
  return d;
}

TEST(PairedT, MatchesRTTestPairedAt95And90Percent) {
  constexpr std::array cases = {
      "stats_example",           "group8_exact",          "group12_ties_zero", "cohort80", "small_unreachable",
      "mean_scores_non_integer", "mean_scores_float_ties"};
  for (const std::string name : cases) {
    const auto fixture = read_json(change_fixture("paired_" + name));
    const auto d = differences_of(fixture);
    const auto& expected = at(fixture, "paired_t");
    const auto result = one_sample_t(d, 0.95);
    ASSERT_TRUE(result) << name;
    EXPECT_STAT(result->t, number_at(expected, "t")) << name;
    EXPECT_STAT(result->df, number_at(expected, "df")) << name;
    EXPECT_STAT(result->p, number_at(expected, "p")) << name;
    EXPECT_STAT(result->ci_lower, number_at(expected, "ci_lower")) << name;
    EXPECT_STAT(result->ci_upper, number_at(expected, "ci_upper")) << name;
    EXPECT_STAT(result->estimate, number_at(expected, "mean_difference")) << name;

    const auto& expected_90 = at(fixture, "paired_t_90");
    const auto result_90 = one_sample_t(d, 0.90);
    ASSERT_TRUE(result_90) << name;
    EXPECT_STAT(result_90->ci_lower, number_at(expected_90, "ci_lower")) << name << " 90%";
    EXPECT_STAT(result_90->ci_upper, number_at(expected_90, "ci_upper")) << name << " 90%";
  }
}

TEST(PairedT, StatsWorkedExampleInRsOrder) {
  // STATS.md: t.test(pre, post, paired = TRUE).
  const std::vector<double> pre = {24, 31, 18, 27, 35, 22, 29, 26, 33, 20, 28, 25};
  const std::vector<double> post = {17, 25, 16, 18, 27, 21, 24, 23, 23, 16, 16, 36};
  std::vector<double> d(pre.size());
  for (std::size_t i = 0; i < pre.size(); ++i) d[i] = pre[i] - post[i];
  const auto result = one_sample_t(d, 0.95);
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
    const auto fixture = read_json(change_fixture("paired_" + name));
    EXPECT_FALSE(one_sample_t(differences_of(fixture), 0.95)) << name;
    const auto& r_t = at(fixture, "paired_t");
    EXPECT_TRUE(r_t.is_null() || at(r_t, "t").is_null()) << name << ": R has no usable t either";
  }
}

TEST(CompareWelchT, MatchesRTTestWelch) {
  for (const std::string name : {"two_groups_no_ties", "two_groups_ties"}) {
    const auto fixture = read_json(change_fixture("compare_" + name));
    const auto& order = at(fixture, "group_order").as_array();
    const auto a = numbers(at(at(fixture, "groups"), order[0].as_string()));
    const auto b = numbers(at(at(fixture, "groups"), order[1].as_string()));
    const auto& expected = at(fixture, "welch_t");
    const auto result = welch_t(a, b, 0.95);
    ASSERT_TRUE(result) << name;
    EXPECT_STAT(result->t, number_at(expected, "t")) << name;
    EXPECT_STAT(result->df, number_at(expected, "df")) << name;
    EXPECT_STAT(result->p, number_at(expected, "p")) << name;
    EXPECT_STAT(result->ci_lower, number_at(expected, "ci_lower")) << name;
    EXPECT_STAT(result->ci_upper, number_at(expected, "ci_upper")) << name;
    EXPECT_STAT(result->estimate, number_at(expected, "mean_difference")) << name;
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
