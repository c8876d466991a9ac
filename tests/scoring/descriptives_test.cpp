#include "descriptives.hpp"

#include <array>
#include <cmath>
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

constexpr std::array kPairedCases = {
    "stats_example",          "group8_exact", "group12_ties_zero", "cohort80",
    "small_unreachable",      "all_zero",     "constant_shift",    "mean_scores_non_integer",
    "mean_scores_float_ties",
};

TEST(ChangeDescriptives, MatchRMeanSdAndCorOnPairedFixtures) {
  for (const std::string name : kPairedCases) {
    const auto fixture = read_json(change_fixture("paired_" + name));
    const auto pre = numbers(at(fixture, "pre"));
    const auto post = numbers(at(fixture, "post"));
    std::vector<double> d(pre.size());
    for (std::size_t i = 0; i < pre.size(); ++i) d[i] = post[i] - pre[i];
    const auto& expected = at(fixture, "descriptives");
    EXPECT_STAT(mean(pre), number_at(expected, "pre_mean")) << name;
    EXPECT_STAT(standard_deviation(pre), number_at(expected, "pre_sd")) << name;
    EXPECT_STAT(mean(post), number_at(expected, "post_mean")) << name;
    EXPECT_STAT(standard_deviation(post), number_at(expected, "post_sd")) << name;
    // A mean difference of exactly 0 has no relative scale: compare absolutely.
    if (number_at(expected, "diff_mean") == 0.0) {
      EXPECT_EQ(mean(d), 0.0) << name;
    } else {
      EXPECT_STAT(mean(d), number_at(expected, "diff_mean")) << name;
    }
    if (number_at(expected, "diff_sd") == 0.0) {
      EXPECT_EQ(standard_deviation(d), 0.0) << name;
    } else {
      EXPECT_STAT(standard_deviation(d), number_at(expected, "diff_sd")) << name;
    }
  }
}

TEST(ChangeDescriptives, MatchRQuantileType7AndMedianOnCompareFixtures) {
  for (const std::string name : {"three_groups_ties", "two_groups_no_ties", "two_groups_ties", "three_groups_large"}) {
    const auto fixture = read_json(change_fixture("compare_" + name));
    for (const auto& group : at(fixture, "group_order").as_array()) {
      const auto x = numbers(at(at(fixture, "groups"), group.as_string()));
      const auto& expected = at(at(fixture, "descriptives"), group.as_string());
      const std::string label = name + " " + std::string(group.as_string());
      const Summary summary = summarize(x);
      EXPECT_STAT(static_cast<double>(summary.n), number_at(expected, "n")) << label;
      EXPECT_STAT(summary.mean, number_at(expected, "mean")) << label;
      EXPECT_STAT(summary.sd, number_at(expected, "sd")) << label;
      EXPECT_STAT(summary.median, number_at(expected, "median")) << label;
      EXPECT_STAT(summary.q1, number_at(expected, "q1")) << label;
      EXPECT_STAT(summary.q3, number_at(expected, "q3")) << label;
    }
  }
}

TEST(ChangeDescriptives, EdgeCases) {
  const std::vector<double> empty;
  const std::vector<double> one = {7};
  EXPECT_TRUE(std::isnan(mean(empty)));
  EXPECT_TRUE(std::isnan(variance(one)));
  EXPECT_EQ(quantile_type7(one, 0.25), 7);
  EXPECT_EQ(median(std::vector<double>{1, 2, 3, 10}), 2.5);
  EXPECT_EQ(quantile_type7(std::vector<double>{1, 2, 3, 4, 5}, 0.25), 2);
  EXPECT_EQ(quantile_type7(std::vector<double>{1, 2, 3, 4}, 0.25), 1.75);
  EXPECT_TRUE(std::isnan(correlation(std::vector<double>{1, 1, 1}, std::vector<double>{1, 2, 3})));
}

}  // namespace
}  // namespace psyscore::detail
