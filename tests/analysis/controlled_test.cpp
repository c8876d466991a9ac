// End-to-end tests of controlled(): the ANCOVA fixtures of tests/data/controlled
// fed through waves of a one-item test instrument (the item's answer is the
// score), the request's bad forms with their pointers, the design warnings,
// and the JSON encoder.

#include "psyscore/controlled.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "fixtures.hpp"
#include "psyscore/json.hpp"

namespace psyscore {
namespace {

using test::number;
using test::number_at;

constexpr double kRelative = 1e-9;

::testing::AssertionResult near(double actual, std::optional<double> expected) {
  return test::near_fraction(actual, expected, kRelative);
}

::testing::AssertionResult near(Statistic actual, std::optional<double> expected) {
  return near(actual.value_or(std::numeric_limits<double>::quiet_NaN()), expected);
}

// One item on 0..100 (higher is worse), scored as its sum: the answer is the score.
InstrumentPtr one_item_instrument(const std::string& extra = "") {
  auto instrument = parse_instrument(R"({"id": "controlled-test", "version": "1.0.0", "name": "Controlled test",
      "scale": {"min": 0, "max": 100}, "items": [{"id": "1"}],
      "subscales": [{"id": "total", "items": ["1"], "method": "sum",
                     "published_reliability": {"alpha": 0.8, "source": "test"})" +
                                     extra + "}]}");
  EXPECT_TRUE(instrument) << instrument.error().message;
  return *instrument;
}

ResponseMatrix wave(const std::vector<std::string>& ids, const std::vector<double>& scores) {
  ResponseMatrix out;
  out.item_count = 1;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (std::isnan(scores[i])) continue;  // missing: not in this wave
    out.ids.push_back(ids[i]);
    out.answers.push_back(scores[i]);
    out.errors.emplace_back();
  }
  return out;
}

// The fixture's data as groups in order of first appearance.
std::vector<ControlledGroup> groups_of(const boost::json::value& fixture) {
  const auto& data = fixture.as_object().at("data").as_object();
  const auto& names = data.at("group").as_array();
  std::vector<std::string> order;
  for (const auto& name : names) {
    const std::string n(name.as_string());
    if (std::find(order.begin(), order.end(), n) == order.end()) order.push_back(n);
  }
  std::vector<ControlledGroup> groups;
  for (const std::string& name : order) {
    std::vector<std::string> ids;
    std::vector<double> pre;
    std::vector<double> post;
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i].as_string() != name) continue;
      ids.push_back("r" + std::to_string(i));
      pre.push_back(number(data.at("pre").as_array()[i]).value_or(std::nan("")));
      post.push_back(number(data.at("post").as_array()[i]).value_or(std::nan("")));
    }
    groups.push_back({name, wave(ids, pre), wave(ids, post)});
  }
  return groups;
}

TEST(Controlled, MatchesRThroughTheWholeAnalysis) {
  const InstrumentPtr instrument = one_item_instrument();
  for (const std::string name : {"two_groups", "three_groups", "unbalanced", "missing_post", "group_of_6",
                                 "three_groups_with_6", "claus_2020"}) {
    const auto fixture = test::read_json(test::data_dir() / "controlled" / ("ancova_" + name + ".json"));
    const auto& object = fixture.as_object();
    for (const auto& at_level : object.at("results").as_array()) {
      ControlledOptions options;
      options.reference = std::string(object.at("reference").as_string());
      options.ci_level = number_at(at_level, "ci_level").value();
      options.rci_reliability = RciFromPublished{};
      const std::string label = name + " at " + std::to_string(options.ci_level);
      const auto report = controlled(*instrument, groups_of(fixture), options);
      ASSERT_TRUE(report) << label << ": " << report.error().message;
      ASSERT_EQ(report->subscales.size(), 1u) << label;
      const SubscaleControlled& s = report->subscales[0];
      EXPECT_EQ(report->groups.front(), options.reference) << label;

      const auto& groups = object.at("groups").as_array();
      ASSERT_EQ(s.groups.size(), groups.size()) << label;
      for (std::size_t g = 0; g < groups.size(); ++g) {
        const auto& expected = groups[g].as_object();
        const std::string group = label + " group " + std::string(expected.at("name").as_string());
        EXPECT_EQ(s.groups[g].name, expected.at("name").as_string()) << group;
        EXPECT_EQ(s.groups[g].n_pairs, static_cast<std::size_t>(expected.at("n_pairs").as_int64())) << group;
        EXPECT_TRUE(near(s.groups[g].pre.mean, number_at(expected.at("pre"), "mean"))) << group;
        EXPECT_TRUE(near(s.groups[g].post.sd, number_at(expected.at("post"), "sd"))) << group;
        EXPECT_TRUE(near(s.groups[g].difference.mean, number_at(expected.at("difference"), "mean"))) << group;
        EXPECT_TRUE(near(s.groups[g].difference.sd, number_at(expected.at("difference"), "sd"))) << group;
        EXPECT_TRUE(s.groups[g].rci.has_value()) << group;
      }

      ASSERT_TRUE(s.ancova) << label;
      const AncovaReport& ancova = *s.ancova;
      EXPECT_EQ(ancova.n, static_cast<std::size_t>(object.at("n").as_int64())) << label;
      EXPECT_TRUE(near(ancova.r_squared, number_at(fixture, "r_squared"))) << label;
      const auto& coefficients = at_level.as_object().at("coefficients").as_array();
      ASSERT_EQ(ancova.coefficients.size(), coefficients.size()) << label;
      for (std::size_t j = 0; j < coefficients.size(); ++j) {
        const std::string term = label + " " + std::string(coefficients[j].as_object().at("term").as_string());
        EXPECT_EQ(ancova.coefficients[j].term, coefficients[j].as_object().at("term").as_string()) << term;
        for (const auto& [field, value] :
             {std::pair{"estimate", ancova.coefficients[j].estimate}, std::pair{"se", ancova.coefficients[j].se},
              std::pair{"t", ancova.coefficients[j].t}, std::pair{"p", ancova.coefficients[j].p},
              std::pair{"lower", ancova.coefficients[j].lower}, std::pair{"upper", ancova.coefficients[j].upper}}) {
          EXPECT_TRUE(near(value, number_at(coefficients[j], field))) << term << " " << field;
        }
      }
      const auto& group_test = object.at("group_test");
      EXPECT_TRUE(near(ancova.group_test.f, number_at(group_test, "f"))) << label;
      EXPECT_TRUE(near(ancova.group_test.p, number_at(group_test, "p"))) << label;
      EXPECT_TRUE(near(ancova.partial_eta_squared, number_at(fixture, "partial_eta_squared"))) << label;
      EXPECT_TRUE(near(ancova.interaction_test.p, number_at(object.at("interaction_test"), "p"))) << label;
      const auto& means = at_level.as_object().at("adjusted_means").as_array();
      ASSERT_EQ(ancova.adjusted_means.size(), means.size()) << label;
      for (std::size_t g = 0; g < means.size(); ++g) {
        const std::string group = label + " emmean " + std::string(means[g].as_object().at("group").as_string());
        EXPECT_TRUE(near(ancova.adjusted_means[g].estimate, number_at(means[g], "estimate"))) << group;
        EXPECT_TRUE(near(ancova.adjusted_means[g].se, number_at(means[g], "se"))) << group;
        EXPECT_TRUE(near(ancova.adjusted_means[g].lower, number_at(means[g], "lower"))) << group;
        EXPECT_TRUE(near(ancova.adjusted_means[g].upper, number_at(means[g], "upper"))) << group;
      }
      EXPECT_TRUE(near(s.baseline_difference_sd, number_at(fixture, "baseline_difference_sd"))) << label;

      const auto& welch = at_level.as_object().at("change_welch");
      if (welch.is_null()) {
        EXPECT_FALSE(s.change_welch) << label;
      } else {
        ASSERT_TRUE(s.change_welch) << label;
        EXPECT_TRUE(near(s.change_welch->t, number_at(welch, "t"))) << label << " welch t";
        EXPECT_TRUE(near(s.change_welch->df, number_at(welch, "df"))) << label << " welch df";
        EXPECT_TRUE(near(s.change_welch->p, number_at(welch, "p"))) << label << " welch p";
        EXPECT_TRUE(near(s.change_welch->difference, number_at(welch, "estimate"))) << label << " welch estimate";
        EXPECT_TRUE(near(s.change_welch->ci_lower, number_at(welch, "lower"))) << label << " welch lower";
        EXPECT_TRUE(near(s.change_welch->ci_upper, number_at(welch, "upper"))) << label << " welch upper";
      }
    }
  }
}

bool has_warning(const std::vector<std::string>& warnings, std::string_view fragment) {
  return std::any_of(warnings.begin(), warnings.end(),
                     [&](const std::string& w) { return w.find(fragment) != std::string::npos; });
}

TEST(Controlled, DesignWarningsInPlainWords) {
  const InstrumentPtr instrument = one_item_instrument();
  struct Case {
    const char* fixture;
    const char* fragment;
    bool expected;
  };
  const std::vector<Case> cases = {
      {"group_of_6", "pre-post slope differs between the groups", true},
      {"two_groups", "pre-post slope differs between the groups", false},
      {"unbalanced", "differ at baseline by", true},
      {"unbalanced", "unequal in size", true},
      {"two_groups", "unequal in size", false},
      {"two_groups", "differ at baseline", false},
  };
  for (const Case& c : cases) {
    const auto fixture =
        test::read_json(test::data_dir() / "controlled" / (std::string("ancova_") + c.fixture + ".json"));
    ControlledOptions options;
    options.reference = std::string(fixture.as_object().at("reference").as_string());
    options.rci_reliability = RciFromPublished{};
    const auto report = controlled(*instrument, groups_of(fixture), options);
    ASSERT_TRUE(report) << c.fixture;
    EXPECT_EQ(has_warning(report->subscales[0].warnings, c.fragment), c.expected) << c.fixture << ": " << c.fragment;
  }
  // A group of 3 complete pairs.
  std::vector<ControlledGroup> small;
  small.push_back({"a", wave({"a1", "a2", "a3"}, {10, 12, 15}), wave({"a1", "a2", "a3"}, {9, 13, 11})});
  small.push_back(
      {"b", wave({"b1", "b2", "b3", "b4"}, {11, 14, 9, 13}), wave({"b1", "b2", "b3", "b4"}, {10, 9, 8, 12})});
  ControlledOptions options;
  options.rci_reliability = RciFromPublished{};
  const auto report = controlled(*instrument, small, options);
  ASSERT_TRUE(report);
  EXPECT_TRUE(has_warning(report->subscales[0].warnings, "group \"a\" has only 3 complete pair(s)"));
}

TEST(Controlled, BadRequestsNameWhereTheyAre) {
  const InstrumentPtr instrument = one_item_instrument();
  const ResponseMatrix five = wave({"p1", "p2", "p3", "p4", "p5"}, {10, 12, 15, 11, 9});
  const ResponseMatrix five_other = wave({"q1", "q2", "q3", "q4", "q5"}, {10, 12, 15, 11, 9});
  struct Case {
    const char* name;
    std::vector<ControlledGroup> groups;
    ControlledOptions options;
    std::string pointer;
    std::string code;
  };
  ControlledOptions unknown_reference;
  unknown_reference.reference = "placebo";
  ControlledOptions nk_without_post;
  nk_without_post.rci_method = RciMethod::nk;
  nk_without_post.rci_reliability = RciFromPublished{};
  ControlledOptions bad_level;
  bad_level.ci_level = 1.5;
  ControlledOptions unknown_subscale;
  unknown_subscale.subscales = {"EE"};
  const std::vector<Case> cases = {
      {"one group", {{"balint", five, five}}, {}, "/groups", "too_few_groups"},
      {"no reference",
       {{"balint", five, five}, {"waitlist", five_other, five_other}},
       unknown_reference,
       "/options/reference",
       "unknown_group"},
      {"group of one pair",
       {{"balint", five, five}, {"waitlist", wave({"q1"}, {3}), wave({"q1"}, {4})}},
       {},
       "/groups/waitlist",
       "too_few_pairs"},
      {"same id in two groups",
       {{"balint", five, five}, {"waitlist", five, five}},
       {},
       "/groups/waitlist",
       "id_in_two_groups"},
      {"nk without reliability_post",
       {{"balint", five, five}, {"waitlist", five_other, five_other}},
       nk_without_post,
       "/options/reliability_post",
       "missing_reliability_post"},
      {"ci_level",
       {{"balint", five, five}, {"waitlist", five_other, five_other}},
       bad_level,
       "/options/ci_level",
       "out_of_range"},
      {"unknown subscale",
       {{"balint", five, five}, {"waitlist", five_other, five_other}},
       unknown_subscale,
       "/options/subscales/0",
       "unknown_subscale"},
      {"duplicate group",
       {{"balint", five, five}, {"balint", five_other, five_other}},
       {},
       "/groups/balint",
       "duplicate_group"},
  };
  for (const Case& c : cases) {
    const auto report = controlled(*instrument, c.groups, c.options);
    ASSERT_FALSE(report) << c.name;
    EXPECT_EQ(report.error().code, ErrorCode::invalid) << c.name;
    const auto& problems = report.error().problems;
    const bool found = std::any_of(problems.begin(), problems.end(),
                                   [&](const Problem& p) { return p.pointer == c.pointer && p.code == c.code; });
    std::string seen;
    for (const Problem& p : problems) seen += " [" + p.pointer + " " + p.code + "]";
    EXPECT_TRUE(found) << c.name << ": got" << seen;
  }
}

TEST(Controlled, EncodesTheContractsFields) {
  const InstrumentPtr instrument = one_item_instrument();
  const auto fixture = test::read_json(test::data_dir() / "controlled" / "ancova_two_groups.json");
  ControlledOptions options;
  options.reference = "waitlist";
  options.rci_reliability = RciFromPublished{};
  const auto report = controlled(*instrument, groups_of(fixture), options);
  ASSERT_TRUE(report);
  const auto body = boost::json::parse(encode_controlled_result(*instrument, *report));
  const auto& s = body.at("subscales").as_array()[0].as_object();
  EXPECT_EQ(s.at("id").as_string(), "total");
  const auto& ancova = s.at("ancova").as_object();
  for (const char* key : {"n", "df_residual", "r_squared", "coefficients", "group_test", "partial_eta_squared",
                          "adjusted_means", "interaction_test"}) {
    EXPECT_TRUE(ancova.contains(key)) << key;
  }
  EXPECT_EQ(ancova.at("coefficients").as_array()[2].at("term").as_string(), "groupbalint");
  EXPECT_EQ(s.at("groups").as_array()[0].at("name").as_string(), "waitlist");
  EXPECT_TRUE(s.at("change_welch").is_object());
  EXPECT_EQ(s.at("groups").as_array()[0].at("rci").at("method").as_string(), "jt");
  EXPECT_EQ(body.at("reference").as_string(), "waitlist");
}

}  // namespace
}  // namespace psyscore
