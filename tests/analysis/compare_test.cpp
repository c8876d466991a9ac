// End-to-end tests of compare(): the R fixtures of tests/data/change (groups)
// fed through decoding-free waves of a small test instrument, the degenerate
// groups with their documented errors and warnings, and the JSON encoder.

#include "psyscore/compare.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "change_fixtures.hpp"
#include "psyscore/json.hpp"

namespace psyscore {
namespace {

using test::at;
using test::bands_fixture;
using test::compare_fixture;
using test::has_warning;
using test::item_sums;
using test::joined;
using test::make_instrument;
using test::number_at;
using test::numbers;
using test::paired_fixture;
using test::read_json;
using test::respondent_id;
using test::strings;
using test::TestInstrument;
using test::wave_of_sums;
using test::with_bands;

std::vector<std::pair<std::string, ResponseMatrix>> groups_of(const boost::json::value& fixture) {
  std::vector<std::pair<std::string, ResponseMatrix>> groups;
  for (const auto& [group, scores] : test::compare_groups(fixture)) {
    groups.emplace_back(group, wave_of_sums(scores, 9, group + "-"));
  }
  return groups;
}

void expect_matches_compare_fixture(const CompareReport& report, const boost::json::value& fixture) {
  ASSERT_EQ(report.subscales.size(), 1u);
  const SubscaleComparison& s = report.subscales[0];
  const auto order = strings(at(fixture, "group_order"));
  ASSERT_EQ(s.groups.size(), order.size());
  for (std::size_t g = 0; g < order.size(); ++g) {
    SCOPED_TRACE(order[g]);
    const auto& expected = at(at(fixture, "descriptives"), order[g]);
    EXPECT_EQ(s.groups[g].name, order[g]);
    EXPECT_EQ(static_cast<double>(s.groups[g].n), number_at(expected, "n"));
    EXPECT_STAT(s.groups[g].mean, number_at(expected, "mean"));
    EXPECT_STAT(s.groups[g].sd, number_at(expected, "sd"));
    EXPECT_STAT(s.groups[g].median, number_at(expected, "median"));
    EXPECT_STAT(s.groups[g].q1, number_at(expected, "q1"));
    EXPECT_STAT(s.groups[g].q3, number_at(expected, "q3"));
  }
  const auto& kw = at(fixture, "kruskal_wallis");
  ASSERT_TRUE(s.kruskal_wallis);
  EXPECT_STAT(s.kruskal_wallis->h, number_at(kw, "h"));
  EXPECT_EQ(static_cast<double>(s.kruskal_wallis->df), number_at(kw, "df"));
  EXPECT_STAT(s.kruskal_wallis->p, number_at(kw, "p"));
  EXPECT_STAT(s.kruskal_wallis->epsilon_squared, number_at(kw, "epsilon_squared"));

  const auto& pairs = at(fixture, "mann_whitney").as_array();
  ASSERT_EQ(s.mann_whitney.size(), pairs.size());
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    SCOPED_TRACE("pair " + std::to_string(k));
    const MannWhitneyPair& m = s.mann_whitney[k];
    EXPECT_EQ(m.a, at(pairs[k], "a").as_string());
    EXPECT_EQ(m.b, at(pairs[k], "b").as_string());
    EXPECT_EQ(static_cast<double>(m.n_a), number_at(pairs[k], "n_a"));
    EXPECT_EQ(static_cast<double>(m.n_b), number_at(pairs[k], "n_b"));
    EXPECT_STAT(m.w, number_at(pairs[k], "w"));
    EXPECT_STAT(m.p, number_at(pairs[k], "p"));
    EXPECT_STAT(m.p_holm, number_at(pairs[k], "p_holm"));
    EXPECT_STAT(m.rank_biserial, number_at(pairs[k], "rank_biserial"));
    EXPECT_EQ(m.exact ? "exact" : "normal", std::string(at(pairs[k], "method").as_string()));
  }

  if (const auto* welch = fixture.as_object().if_contains("welch_t")) {
    ASSERT_TRUE(s.welch_t);
    EXPECT_STAT(s.welch_t->t, number_at(*welch, "t"));
    EXPECT_STAT(s.welch_t->df, number_at(*welch, "df"));
    EXPECT_STAT(s.welch_t->p, number_at(*welch, "p"));
    EXPECT_STAT(s.welch_t->mean_difference, number_at(*welch, "mean_difference"));
    EXPECT_STAT(s.welch_t->ci_lower, number_at(*welch, "ci_lower"));
    EXPECT_STAT(s.welch_t->ci_upper, number_at(*welch, "ci_upper"));
  } else {
    EXPECT_FALSE(s.welch_t);
  }
}

TEST(Compare, MatchesRFixturesEndToEnd) {
  const InstrumentPtr instrument = make_instrument({});
  for (const std::string name : test::kCompareCases) {
    SCOPED_TRACE(name);
    const auto fixture = compare_fixture(name);
    const auto report = compare(*instrument, groups_of(fixture));
    ASSERT_TRUE(report) << report.error().message;
    expect_matches_compare_fixture(*report, fixture);
  }
}

TEST(Compare, OneWaveWithAGroupColumnGivesTheSameResult) {
  const InstrumentPtr instrument = make_instrument({});
  for (const std::string name : test::kCompareCases) {
    SCOPED_TRACE(name);
    const auto fixture = compare_fixture(name);
    // The groups interleaved in one CSV; first appearance keeps group_order.
    const auto groups = groups_of(fixture);
    std::string csv = "id,1,2,3,4,5,6,7,8,9,years\n";
    std::size_t longest = 0;
    for (const auto& [group, wave] : groups) longest = std::max(longest, wave.respondent_count());
    for (std::size_t r = 0; r < longest; ++r) {
      for (const auto& [group, wave] : groups) {
        if (r >= wave.respondent_count()) continue;
        csv += wave.ids[r];
        for (const double answer : wave.row(r)) csv += "," + std::to_string(static_cast<int>(answer));
        csv += "," + group + "\n";
      }
    }
    CsvOptions options;
    options.group_column = "years";
    const auto wave = decode_csv_responses(*instrument, csv, options);
    ASSERT_TRUE(wave) << wave.error().message;
    const auto from_csv = compare(*instrument, *wave);
    ASSERT_TRUE(from_csv) << from_csv.error().message;
    expect_matches_compare_fixture(*from_csv, fixture);
    const auto from_groups = compare(*instrument, groups);
    ASSERT_TRUE(from_groups);
    EXPECT_EQ(encode_compare_result(*instrument, *from_csv), encode_compare_result(*instrument, *from_groups));
  }
}

// The groups as the levels of a covariate of one JSON wave: the same result,
// and a respondent without the covariate is left out with a warning.
TEST(Compare, OneWaveGroupedByACovariateGivesTheSameResult) {
  const InstrumentPtr instrument = make_instrument({});
  for (const std::string name : test::kCompareCases) {
    SCOPED_TRACE(name);
    const auto fixture = compare_fixture(name);
    const auto groups = groups_of(fixture);
    std::string json = R"({"responses": [{"id": "nobody", "answers": {}, "covariates": {"years": null}})";
    std::size_t longest = 0;
    for (const auto& [group, wave] : groups) longest = std::max(longest, wave.respondent_count());
    for (std::size_t r = 0; r < longest; ++r) {
      for (const auto& [group, wave] : groups) {
        if (r >= wave.respondent_count()) continue;
        json += R"(, {"id": ")" + wave.ids[r] + R"(", "answers": {)";
        for (std::size_t i = 0; i < wave.item_count; ++i) {
          json += (i ? ", " : "") + ("\"" + std::to_string(i + 1) + "\": ") +
                  std::to_string(static_cast<int>(wave.at(r, i)));
        }
        json += R"(}, "covariates": {"age": 40, "years": ")" + group + R"("}})";
      }
    }
    json += "]}";
    const auto wave = decode_json_responses(*instrument, json);
    ASSERT_TRUE(wave) << wave.error().message;
    CompareOptions options;
    options.group_covariate = "years";
    auto by_covariate = compare(*instrument, *wave, options);
    ASSERT_TRUE(by_covariate) << by_covariate.error().message;
    expect_matches_compare_fixture(*by_covariate, fixture);
    ASSERT_EQ(by_covariate->warnings.size(), 1u);
    EXPECT_EQ(by_covariate->warnings[0], "1 respondent(s) without a value of covariate \"years\" are left out");
    by_covariate->warnings.clear();
    const auto from_groups = compare(*instrument, groups);
    ASSERT_TRUE(from_groups);
    EXPECT_EQ(encode_compare_result(*instrument, *by_covariate), encode_compare_result(*instrument, *from_groups));
  }
}

TEST(Compare, GroupCovariateProblemsAreTheCovariates) {
  const InstrumentPtr instrument = make_instrument({});
  const std::string answers = R"("answers": {"1": 1, "2": 2, "3": 3, "4": 1, "5": 2, "6": 3, "7": 1, "8": 2, "9": 3})";
  const auto wave = decode_json_responses(*instrument, R"({"responses": [)"
                                                       R"({"id": "a", )" +
                                                           answers +
                                                           R"(, "covariates": {"age": 40, "ward": "x"}},)"
                                                           R"({"id": "b", )" +
                                                           answers +
                                                           R"(, "covariates": {"age": 41, "ward": "x"}},)"
                                                           R"({"id": "c", )" +
                                                           answers + R"(, "covariates": {"age": 42, "ward": null}}]})");
  ASSERT_TRUE(wave) << wave.error().message;
  const std::pair<const char*, const char*> cases[] = {
      {"sex", "unknown_covariate"}, {"age", "numeric_covariate"}, {"ward", "too_few_groups"}};
  for (const auto& [covariate, code] : cases) {
    CompareOptions options;
    options.group_covariate = covariate;
    const auto report = compare(*instrument, *wave, options);
    ASSERT_FALSE(report) << covariate;
    EXPECT_EQ(report.error().code, ErrorCode::invalid) << covariate;
    ASSERT_EQ(report.error().problems.size(), 1u) << covariate;
    EXPECT_EQ(report.error().problems[0].pointer, "/group_covariate") << covariate;
    EXPECT_EQ(report.error().problems[0].code, code) << report.error().problems[0].message;
  }
  CompareOptions options;
  options.group_covariate = "ward";
  const auto named = compare(*instrument, {{"x", *wave}, {"y", *wave}}, options);
  ASSERT_FALSE(named);
  EXPECT_EQ(named.error().problems.at(0).pointer, "/group_covariate");
}

TEST(Compare, EncoderWritesApiFields) {
  const InstrumentPtr instrument = make_instrument({});
  const auto two = compare(*instrument, groups_of(compare_fixture("two_groups_no_ties")));
  ASSERT_TRUE(two);
  const auto json = boost::json::parse(encode_compare_result(*instrument, *two));
  EXPECT_EQ(at(at(json, "instrument"), "id").as_string(), "change-test");
  const auto& s = at(json, "subscales").as_array().at(0);
  EXPECT_EQ(at(s, "groups").as_array().size(), 2u);
  for (const char* key : {"name", "n", "mean", "sd", "median", "q1", "q3"}) {
    EXPECT_TRUE(at(s, "groups").as_array().at(0).as_object().contains(key)) << key;
  }
  for (const char* key : {"h", "df", "p", "epsilon_squared"})
    EXPECT_TRUE(at(s, "kruskal_wallis").as_object().contains(key)) << key;
  for (const char* key : {"a", "b", "w", "p", "p_holm", "rank_biserial", "method"}) {
    EXPECT_TRUE(at(s, "mann_whitney").as_array().at(0).as_object().contains(key)) << key;
  }
  EXPECT_EQ(at(at(s, "mann_whitney").as_array().at(0), "method").as_string(), "exact");
  for (const char* key : {"t", "df", "p"}) EXPECT_TRUE(at(s, "welch_t").as_object().contains(key)) << key;

  const auto three = compare(*instrument, groups_of(compare_fixture("three_groups_ties")));
  ASSERT_TRUE(three);
  const auto json3 = boost::json::parse(encode_compare_result(*instrument, *three));
  EXPECT_FALSE(at(json3, "subscales").as_array().at(0).as_object().contains("welch_t")) << "two groups only";
  EXPECT_TRUE(has_warning(three->subscales[0].warnings, "tied scores, so no exact p"));
}

TEST(Compare, RejectsUnusableGroups) {
  const InstrumentPtr instrument = make_instrument({});
  ResponseMatrix unscored = wave_of_sums({20, 25}, 9, "u");
  for (double& answer : unscored.answers) answer = std::nan("");
  ResponseMatrix unlabelled = wave_of_sums({20, 25}, 9, "x");

  struct Case {
    const char* name;
    std::vector<std::pair<std::string, ResponseMatrix>> groups;
    const char* code;
  };
  const std::vector<Case> cases = {
      {"one group", {{"a", wave_of_sums({20, 25, 30}, 9)}}, "too_few_groups"},
      {"no group", {}, "too_few_groups"},
      {"same name twice", {{"a", wave_of_sums({20, 25}, 9)}, {"a", wave_of_sums({20, 25}, 9, "q")}}, "duplicate_group"},
      {"a group without scores", {{"a", wave_of_sums({20, 25}, 9)}, {"b", unscored}}, "empty_group"},
      {"a group without respondents", {{"a", wave_of_sums({20, 25}, 9)}, {"b", wave_of_sums({}, 9)}}, "empty_group"},
  };
  for (const auto& c : cases) {
    const auto report = compare(*instrument, c.groups);
    ASSERT_FALSE(report) << c.name;
    EXPECT_EQ(report.error().code, ErrorCode::invalid) << c.name;
    EXPECT_EQ(report.error().problems.at(0).code, c.code) << c.name << ": " << report.error().message;
  }
  const auto no_labels = compare(*instrument, unlabelled);
  ASSERT_FALSE(no_labels);
  EXPECT_EQ(no_labels.error().problems.at(0).code, "no_groups");
}

TEST(Compare, SmallAndDegenerateGroupsSayWhy) {
  const InstrumentPtr instrument = make_instrument({});
  std::vector<std::pair<std::string, ResponseMatrix>> groups = {{"a", wave_of_sums({20, 25, 30}, 9, "a")},
                                                                {"b", wave_of_sums({10}, 9, "b")}};
  const auto report = compare(*instrument, groups);
  ASSERT_TRUE(report) << report.error().message;
  const SubscaleComparison& s = report->subscales[0];
  EXPECT_FALSE(s.groups[1].sd) << "one score: sd null";
  EXPECT_FALSE(s.welch_t);
  EXPECT_TRUE(has_warning(s.warnings, "needs at least 2 scores in each group")) << joined(s.warnings);
  EXPECT_TRUE(has_warning(s.warnings, "even the exact test cannot reach p < 0.05")) << joined(s.warnings);
  EXPECT_TRUE(has_warning(s.warnings, "the smallest group has 1 score(s)"));

  const auto flat =
      compare(*instrument, {{"a", wave_of_sums({20, 20}, 9, "a")}, {"b", wave_of_sums({20, 20}, 9, "b")}});
  ASSERT_TRUE(flat);
  EXPECT_FALSE(flat->subscales[0].kruskal_wallis->h);
  EXPECT_TRUE(has_warning(flat->subscales[0].warnings, "every score is the same"));
  EXPECT_TRUE(has_warning(flat->subscales[0].warnings, "essentially constant"));
}

// ---------------------------------------------------------------- example

}  // namespace
}  // namespace psyscore
