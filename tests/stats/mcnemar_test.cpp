#include "scoring/stats/mcnemar.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "change_fixtures.hpp"

namespace psyscore::detail {
namespace {

using test::at;
using test::bands_fixture;
using test::number_at;
using test::numbers;

std::vector<std::vector<std::size_t>> table_of(const boost::json::value& rows) {
  std::vector<std::vector<std::size_t>> table;
  for (const auto& row : rows.as_array()) {
    auto& out = table.emplace_back();
    for (const auto& cell : row.as_array()) out.push_back(static_cast<std::size_t>(cell.to_number<double>()));
  }
  return table;
}

// R's mcnemar.test (two bands) or Bowker's test (more): statistic, df and p.
void expect_symmetry_test(const SymmetryTest& result, const boost::json::value& expected, const std::string& name) {
  EXPECT_STAT(result.statistic, number_at(expected, "statistic")) << name;
  EXPECT_STAT(static_cast<double>(result.df), number_at(expected, "df")) << name;
  EXPECT_STAT(result.p, number_at(expected, "p")) << name;
}

TEST(McNemarBowker, MatchesRWhereEveryPairIsInformative) {
  for (const std::string name : {"two_bands", "three_bands", "two_bands_equal_discordant"}) {
    const auto fixture = bands_fixture(name);
    const auto& expected = at(fixture, "mcnemar");
    const SymmetryTest result = mcnemar_bowker(table_of(at(fixture, "transitions")));
    // p is exactly 1 for the uncorrected b = c case.
    expect_symmetry_test(result, expected, name);
    EXPECT_TRUE(result.dropped_pairs.empty()) << name;
    EXPECT_EQ(result.continuity_corrected,
              std::string(at(expected, "r_method").as_string()).find("continuity") != std::string::npos)
        << name;
  }
}

TEST(McNemarBowker, LeavesEmptyPairsOutOfSumAndDf) {
  for (const std::string name : {"three_bands_empty_pair", "two_bands_no_discordant"}) {
    const auto fixture = bands_fixture(name);
    const auto& expected = at(fixture, "mcnemar_pairs_dropped");
    const SymmetryTest result = mcnemar_bowker(table_of(at(fixture, "transitions")));
    expect_symmetry_test(result, expected, name);
    if (const auto* dropped = expected.as_object().if_contains("pairs_dropped")) {
      EXPECT_EQ(static_cast<double>(result.dropped_pairs.size()), dropped->to_number<double>()) << name;
    }
  }
  const auto fixture = bands_fixture("three_bands_empty_pair");
  const SymmetryTest result = mcnemar_bowker(table_of(at(fixture, "transitions")));
  ASSERT_EQ(result.dropped_pairs.size(), 1u);
  EXPECT_EQ(result.dropped_pairs[0], (std::pair<std::size_t, std::size_t>{0, 2})) << "low <-> high";
}

TEST(McNemarBowker, TransitionsInTheFixtureFollowFromTheBandVectors) {
  const auto fixture = bands_fixture("three_bands_empty_pair");
  const auto pre = numbers(at(fixture, "pre_band"));
  const auto post = numbers(at(fixture, "post_band"));
  std::vector<std::vector<std::size_t>> table(3, std::vector<std::size_t>(3, 0));
  for (std::size_t i = 0; i < pre.size(); ++i)
    ++table[static_cast<std::size_t>(pre[i])][static_cast<std::size_t>(post[i])];
  EXPECT_EQ(table, table_of(at(fixture, "transitions")));
}

}  // namespace
}  // namespace psyscore::detail
