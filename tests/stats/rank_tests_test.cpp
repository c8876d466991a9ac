#include "scoring/stats/rank_tests.hpp"

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
using test::paired_differences;
using test::paired_fixture;

TEST(WilcoxonSignedRank, MatchesRDefaultsOnEveryPairedFixture) {
  for (const std::string name : test::kPairedCases) {
    const auto fixture = paired_fixture(name);
    const auto& expected = at(fixture, "wilcoxon");
    const SignedRankTest result = wilcoxon_signed_rank(paired_differences(fixture));
    EXPECT_STAT(result.v, number_at(expected, "v")) << name;
    EXPECT_STAT(result.p, number_at(expected, "p")) << name;
    EXPECT_EQ(result.exact ? "exact" : "normal", std::string(at(expected, "method").as_string())) << name;
  }
}

TEST(WilcoxonSignedRank, NormalApproximationMatchesRExactFalse) {
  for (const std::string name : test::kPairedCases) {
    const auto fixture = paired_fixture(name);
    const auto& expected = at(fixture, "wilcoxon_normal");
    const SignedRankTest result = wilcoxon_signed_rank(paired_differences(fixture), RankPValue::normal);
    EXPECT_STAT(result.v, number_at(expected, "v")) << name;
    EXPECT_STAT(result.p, number_at(expected, "p")) << name;
    EXPECT_FALSE(result.exact) << name;
  }
}

TEST(WilcoxonSignedRank, CountsZerosAndTies) {
  struct Case {
    const char* name;
    std::size_t n;
    std::size_t zeros;
    bool ties;
  };
  const Case cases[] = {
      {"stats_example", 12, 0, false}, {"group12_ties_zero", 11, 1, true},      {"all_zero", 0, 6, false},
      {"constant_shift", 6, 0, true},  {"mean_scores_non_integer", 8, 2, true},
  };
  for (const auto& c : cases) {
    const auto fixture = paired_fixture(c.name);
    const SignedRankTest result = wilcoxon_signed_rank(paired_differences(fixture));
    EXPECT_EQ(result.n, c.n) << c.name;
    EXPECT_EQ(result.zeros, c.zeros) << c.name;
    EXPECT_EQ(result.ties, c.ties) << c.name;
  }
}

TEST(WilcoxonSignedRank, StatsWorkedExampleInRsOrder) {
  // docs/statistics.md: wilcox.test(pre, post, paired = TRUE): V 67, exact p 0.02685546875,
  // normal approximation 0.0309840501.
  const auto d = test::differences(test::kStatsExamplePre, test::kStatsExamplePost);
  const SignedRankTest exact = wilcoxon_signed_rank(d);
  EXPECT_EQ(exact.v, 67);
  EXPECT_TRUE(exact.exact);
  EXPECT_STAT(exact.p, 0.02685546875);
  EXPECT_TRUE(test::strictly_near(wilcoxon_signed_rank(d, RankPValue::normal).p, 0.0309840501, 1e-9 * 10))
      << "docs/statistics.md gives 10 digits";
}

TEST(WilcoxonSignedRank, EmptyInputHasNoP) { EXPECT_TRUE(std::isnan(wilcoxon_signed_rank(std::vector<double>{}).p)); }

TEST(WilcoxonAverageRanks, MatchRsRankOfFloatBrokenTies) {
  const auto fixture = paired_fixture("mean_scores_float_ties");
  std::vector<double> magnitudes = paired_differences(fixture);
  for (double& d : magnitudes) d = std::abs(d);
  const std::vector<double> expected = numbers(at(fixture, "r_ranks_of_abs_difference"));
  EXPECT_EQ(average_ranks(magnitudes), expected);
}

TEST(WilcoxonAverageRanks, TiesShareTheMeanRank) {
  EXPECT_EQ(average_ranks(std::vector<double>{3, 1, 3, 2, 3}), (std::vector<double>{4, 1, 4, 2, 4}));
  EXPECT_EQ(tie_cubes(std::vector<double>{3, 1, 3, 2, 3, 2}), 24 + 6);
  EXPECT_EQ(tie_cubes(std::vector<double>{1, 2}), 0);
}

TEST(WilcoxonExactDistributions, TailsAndSmallestP) {
  // n = 5: 32 equally likely subsets; P(V <= 0) = 1/32.
  EXPECT_EQ(signed_rank_lower(0, 5), 1.0 / 32);
  EXPECT_EQ(signed_rank_upper(15, 5), 1.0 / 32);
  EXPECT_EQ(signed_rank_lower(15, 5), 1.0);
  EXPECT_EQ(smallest_signed_rank_p(5), 0.0625);
  EXPECT_EQ(smallest_signed_rank_p(6), 0.03125);
  // m = n = 3: 20 orderings; W = 0 only for one.
  EXPECT_STAT(rank_sum_lower(0, 3, 3), 1.0 / 20);
  EXPECT_STAT(rank_sum_upper(9, 3, 3), 1.0 / 20);
  EXPECT_STAT(smallest_rank_sum_p(3, 3), 0.1);
  EXPECT_STAT(smallest_rank_sum_p(4, 4), 2.0 / 70);
}

using Groups = std::vector<std::pair<std::string, std::vector<double>>>;

const std::vector<double>& scores_of(const Groups& groups, std::string_view name) {
  for (const auto& [group, scores] : groups) {
    if (group == name) return scores;
  }
  ADD_FAILURE() << "no group " << name;
  return groups.front().second;
}

TEST(MannWhitney, MatchesRDefaultsAndExactFalseOnEveryPair) {
  for (const std::string name : test::kCompareCases) {
    const auto fixture = compare_fixture(name);
    const Groups groups = test::compare_groups(fixture);
    const auto& defaults = at(fixture, "mann_whitney").as_array();
    const auto& normal = at(fixture, "mann_whitney_normal").as_array();
    ASSERT_EQ(defaults.size(), normal.size()) << name;
    for (std::size_t k = 0; k < defaults.size(); ++k) {
      const auto& a = scores_of(groups, at(defaults[k], "a").as_string());
      const auto& b = scores_of(groups, at(defaults[k], "b").as_string());
      const std::string label = name + " pair " + std::to_string(k);
      const RankSumTest result = mann_whitney(a, b);
      EXPECT_STAT(result.w, number_at(defaults[k], "w")) << label;
      EXPECT_STAT(result.p, number_at(defaults[k], "p")) << label;
      EXPECT_EQ(result.exact ? "exact" : "normal", std::string(at(defaults[k], "method").as_string())) << label;
      const RankSumTest approximate = mann_whitney(a, b, RankPValue::normal);
      EXPECT_STAT(approximate.w, number_at(normal[k], "w")) << label;
      EXPECT_STAT(approximate.p, number_at(normal[k], "p")) << label;
    }
  }
}

TEST(KruskalWallis, MatchesRKruskalTest) {
  for (const std::string name : test::kCompareCases) {
    const auto fixture = compare_fixture(name);
    const Groups groups = test::compare_groups(fixture);
    std::vector<std::span<const double>> views;
    for (const auto& [group, scores] : groups) views.emplace_back(scores);
    const KruskalWallisTest result = kruskal_wallis(views);
    const auto& expected = at(fixture, "kruskal_wallis");
    EXPECT_STAT(result.h, number_at(expected, "h")) << name;
    EXPECT_STAT(static_cast<double>(result.df), number_at(expected, "df")) << name;
    EXPECT_STAT(result.p, number_at(expected, "p")) << name;
    EXPECT_STAT(result.epsilon_squared, number_at(expected, "epsilon_squared")) << name;
  }
}

TEST(KruskalWallis, AllValuesTiedHasNoStatistic) {
  const std::vector<double> a = {3, 3}, b = {3, 3, 3};
  const std::vector<std::span<const double>> views = {a, b};
  const KruskalWallisTest result = kruskal_wallis(views);
  EXPECT_TRUE(std::isnan(result.h));
  EXPECT_TRUE(std::isnan(result.p));
}

}  // namespace
}  // namespace psyscore::detail
