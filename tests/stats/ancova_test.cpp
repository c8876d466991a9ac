#include "scoring/stats/ancova.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "fixtures.hpp"

namespace psyscore::detail {
namespace {

using test::number;
using test::number_at;

// Every number is closed-form given the QR: R agrees to 1e-9 relative.
constexpr double kRelative = 1e-9;

::testing::AssertionResult near(double actual, std::optional<double> expected) {
  return test::near_fraction(actual, expected, kRelative);
}

constexpr std::array kCases = {"two_groups", "three_groups",        "unbalanced", "missing_post",
                               "group_of_6", "three_groups_with_6", "claus_2020"};

struct Input {
  std::vector<double> pre;
  std::vector<double> post;
  std::vector<std::size_t> group;
  std::vector<std::string> names;  // reference first, then in order of appearance
};

Input input_of(const boost::json::value& fixture) {
  const auto& object = fixture.as_object();
  const auto& data = object.at("data").as_object();
  Input input;
  input.names.emplace_back(object.at("reference").as_string());
  const auto& groups = data.at("group").as_array();
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const std::string name(groups[i].as_string());
    std::size_t index = 0;
    while (index < input.names.size() && input.names[index] != name) ++index;
    if (index == input.names.size()) input.names.push_back(name);
    input.group.push_back(index);
    input.pre.push_back(number(data.at("pre").as_array()[i]).value_or(std::nan("")));
    input.post.push_back(number(data.at("post").as_array()[i]).value_or(std::nan("")));
  }
  return input;
}

void expect_f_test(const FTest& actual, const boost::json::value& expected, const std::string& name) {
  EXPECT_TRUE(near(actual.f, number_at(expected, "f"))) << name << " F";
  EXPECT_TRUE(near(actual.num_df, number_at(expected, "num_df"))) << name << " num df";
  EXPECT_TRUE(near(actual.den_df, number_at(expected, "den_df"))) << name << " den df";
  EXPECT_TRUE(near(actual.p, number_at(expected, "p"))) << name << " p";
}

TEST(Ancova, MatchesRLmDrop1AndEmmeans) {
  for (const std::string name : kCases) {
    const auto fixture = test::read_json(test::data_dir() / "controlled" / ("ancova_" + name + ".json"));
    const auto& object = fixture.as_object();
    const Input input = input_of(fixture);
    for (const auto& at_level : object.at("results").as_array()) {
      const double level = number_at(at_level, "ci_level").value();
      const std::string label = name + " at " + std::to_string(level);
      const AncovaResult result = ancova(input.pre, input.post, input.group, input.names, level);

      EXPECT_EQ(result.n, object.at("n").as_int64()) << label;
      EXPECT_EQ(result.df_residual, object.at("df_residual").as_int64()) << label;
      EXPECT_TRUE(near(result.r_squared, number_at(fixture, "r_squared"))) << label << " r squared";
      EXPECT_TRUE(near(result.adj_r_squared, number_at(fixture, "adj_r_squared"))) << label << " adj r squared";
      EXPECT_TRUE(near(result.sigma, number_at(fixture, "sigma"))) << label << " sigma";
      EXPECT_TRUE(result.aliased_terms.empty()) << label;

      const auto& coefficients = at_level.as_object().at("coefficients").as_array();
      ASSERT_EQ(result.coefficients.size(), coefficients.size()) << label;
      for (std::size_t j = 0; j < coefficients.size(); ++j) {
        const auto& expected = coefficients[j];
        const AncovaCoefficient& actual = result.coefficients[j];
        const std::string term = label + " " + std::string(expected.as_object().at("term").as_string());
        EXPECT_EQ(actual.term, expected.as_object().at("term").as_string()) << term;
        EXPECT_TRUE(near(actual.estimate, number_at(expected, "estimate"))) << term << " estimate";
        EXPECT_TRUE(near(actual.se, number_at(expected, "se"))) << term << " se";
        EXPECT_TRUE(near(actual.t, number_at(expected, "t"))) << term << " t";
        EXPECT_TRUE(near(actual.p, number_at(expected, "p"))) << term << " p";
        EXPECT_TRUE(near(actual.lower, number_at(expected, "lower"))) << term << " lower";
        EXPECT_TRUE(near(actual.upper, number_at(expected, "upper"))) << term << " upper";
      }

      const auto& group_test = object.at("group_test");
      expect_f_test(result.group_test, group_test, label + " drop1 group");
      EXPECT_TRUE(near(result.group_sum_of_squares, number_at(group_test, "sum_of_squares"))) << label;
      EXPECT_TRUE(near(result.residual_sum_of_squares, number_at(group_test, "rss"))) << label;
      EXPECT_TRUE(near(result.partial_eta_squared, number_at(fixture, "partial_eta_squared"))) << label;
      expect_f_test(result.interaction_test, object.at("interaction_test"), label + " pre x group");

      const auto& means = at_level.as_object().at("adjusted_means").as_array();
      ASSERT_EQ(result.adjusted_means.size(), means.size()) << label;
      for (std::size_t g = 0; g < means.size(); ++g) {
        const auto& expected = means[g];
        const AdjustedMean& actual = result.adjusted_means[g];
        const std::string group = label + " emmean " + std::string(expected.as_object().at("group").as_string());
        EXPECT_EQ(actual.group, expected.as_object().at("group").as_string()) << group;
        EXPECT_TRUE(near(actual.estimate, number_at(expected, "estimate"))) << group << " estimate";
        EXPECT_TRUE(near(actual.se, number_at(expected, "se"))) << group << " se";
        EXPECT_TRUE(near(actual.df, number_at(expected, "df"))) << group << " df";
        EXPECT_TRUE(near(actual.lower, number_at(expected, "lower"))) << group << " lower";
        EXPECT_TRUE(near(actual.upper, number_at(expected, "upper"))) << group << " upper";
      }
    }
  }
}

TEST(Ancova, DegenerateDataGiveNaNNotNumbers) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<std::string> names = {"control", "balint"};
  struct Case {
    const char* name;
    std::vector<double> pre;
    std::vector<double> post;
    std::vector<std::size_t> group;
    bool group_test_defined;
    std::vector<std::string> aliased;
  };
  const std::vector<Case> cases = {
      // 3 parameters, 3 complete rows: no residual df.
      {"no residual df", {10, 12, 11, nan}, {9, 8, 7, 6}, {0, 0, 1, 1}, false, {}},
      // pre is constant within groups and differs between them: group is aliased.
      {"pre determined by group", {10, 10, 14, 14, 14}, {9, 8, 7, 6, 5}, {0, 0, 1, 1, 1}, false, {"groupbalint"}},
      // pre constant everywhere: aliased with the intercept.
      {"constant pre", {10, 10, 10, 10, 10}, {9, 8, 7, 6, 5}, {0, 0, 1, 1, 1}, true, {"pre"}},
  };
  for (const Case& c : cases) {
    const AncovaResult result = ancova(c.pre, c.post, c.group, names, 0.95);
    EXPECT_EQ(result.aliased_terms, c.aliased) << c.name;
    EXPECT_EQ(std::isfinite(result.group_test.p), c.group_test_defined) << c.name;
    if (!c.group_test_defined) {
      EXPECT_TRUE(std::isnan(result.partial_eta_squared)) << c.name;
    }
  }
}

}  // namespace
}  // namespace psyscore::detail
