#include "scoring/stats/effect_sizes.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "change_fixtures.hpp"

namespace psyscore::detail {
namespace {

using test::at;
using test::number_at;
using test::numbers;
using test::paired_fixture;

TEST(PairedEffectSizes, MatchRFormulasOnEveryPairedFixture) {
  for (const std::string name : test::kPairedCases) {
    const auto fixture = paired_fixture(name);
    const auto pre = numbers(at(fixture, "pre"));
    const auto post = numbers(at(fixture, "post"));
    const auto& expected = at(fixture, "effect_sizes");
    const PairedEffectSizes effect = paired_effect_sizes(pre, post);
    EXPECT_STAT(effect.d_z, number_at(expected, "d_z")) << name;
    EXPECT_STAT(effect.d_av, number_at(expected, "d_av")) << name;
    EXPECT_STAT(effect.d_rm, number_at(expected, "d_rm")) << name;
    EXPECT_STAT(effect.g_z, number_at(expected, "g_z")) << name;
    EXPECT_STAT(effect.g_av, number_at(expected, "g_av")) << name;
    EXPECT_STAT(effect.j, number_at(expected, "j")) << name;
    // R's cor() is 0.99999999999999978 for the constant-difference cases;
    // that comparison only holds to rounding noise (README, surprise 7).
    const double tolerance = (name == "all_zero" || name == "constant_shift") ? 1e-15 : test::kRelative;
    EXPECT_TRUE(test::strictly_near(effect.r_pre_post, number_at(at(fixture, "descriptives"), "r_pre_post"), tolerance))
        << name;
  }
}

TEST(PairedEffectSizes, StatsWorkedExample) {
  // docs/statistics.md gives the (pre - post) signs; post - pre flips them.
  const PairedEffectSizes effect = paired_effect_sizes(test::kStatsExamplePre, test::kStatsExamplePost);
  EXPECT_STAT(effect.d_z, -0.7850810157);
  EXPECT_STAT(effect.d_av, -0.8439528182);
  EXPECT_STAT(effect.d_rm, -0.8405745950);
  EXPECT_STAT(effect.j, 0.9299598100);
}

TEST(EffectSizesHedgesJ, ExactGammaFormAndUndefinedBelowTwo) {
  EXPECT_STAT(hedges_j(11), 0.92995980997577854);
  EXPECT_GT(hedges_j(1e6), 0.999999);
  EXPECT_LT(hedges_j(1e6), 1.0);
  EXPECT_TRUE(std::isnan(hedges_j(1))) << "J(1) = 0 would zero every g at n = 2";
  EXPECT_TRUE(std::isnan(hedges_j(0)));
}

}  // namespace
}  // namespace psyscore::detail
