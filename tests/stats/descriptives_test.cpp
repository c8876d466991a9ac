#include "scoring/stats/descriptives.hpp"

#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "change_fixtures.hpp"

namespace psyscore::detail {
namespace {

using test::at;
using test::compare_fixture;
using test::number_at;
using test::numbers;
using test::paired_fixture;

TEST(ChangeDescriptives, MatchRMeanSdAndCorOnPairedFixtures) {
  for (const std::string name : test::kPairedCases) {
    const auto fixture = paired_fixture(name);
    const auto pre = numbers(at(fixture, "pre"));
    const auto post = numbers(at(fixture, "post"));
    const auto d = test::differences(post, pre);
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
  for (const std::string name : test::kCompareCases) {
    const auto fixture = compare_fixture(name);
    for (const auto& [group, x] : test::compare_groups(fixture)) {
      const auto& expected = at(at(fixture, "descriptives"), group);
      const std::string label = name + " " + group;
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
