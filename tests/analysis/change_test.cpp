// End-to-end tests of change(): R fixtures of tests/data/change
// fed through decoding-free waves of a small test instrument, the degenerate
// cases with their documented errors and warnings, the JSON encoders, and
// the synthetic Balint cohort of examples/balint-cohort.

#include "psyscore/change.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "change_fixtures.hpp"
#include "psyscore/compare.hpp"
#include "psyscore/json.hpp"
#include "scoring/stats/holm.hpp"

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

// The fixture's waves as a test instrument and two ResponseMatrix.
struct PairedCase {
  boost::json::value fixture;
  InstrumentPtr instrument;
  ResponseMatrix pre;
  ResponseMatrix post;
  double reliability = 0;
};

PairedCase load_paired(const std::string& name) {
  PairedCase c;
  c.fixture = paired_fixture(name);
  TestInstrument spec;
  spec.higher_is_better = at(c.fixture, "higher_is_better").as_bool();
  const auto* sums = c.fixture.as_object().if_contains("item_sums");
  if (sums) {
    spec.items = static_cast<std::size_t>(at(*sums, "items").to_number<double>());
    spec.method = "mean";
  } else {
    spec.band_labels = {"low", "moderate", "high"};
  }
  c.instrument = make_instrument(spec);
  const bool mean = spec.method == "mean";
  c.pre = wave_of_sums(item_sums(numbers(at(c.fixture, "pre")), spec.items, mean), spec.items);
  c.post = wave_of_sums(item_sums(numbers(at(c.fixture, "post")), spec.items, mean), spec.items);
  c.reliability = *number_at(at(c.fixture, "rci"), "reliability");
  return c;
}

ChangeOptions caller_reliability(double reliability, double ci_level = 0.95) {
  ChangeOptions options;
  options.ci_level = ci_level;
  options.rci_reliability = RciFromCaller{{"EE", reliability}};
  return options;
}

TEST(Change, MatchesRFixturesEndToEnd) {
  for (const std::string name : test::kPairedCases) {
    SCOPED_TRACE(name);
    const PairedCase c = load_paired(name);
    const auto report = change(*c.instrument, c.pre, c.post, caller_reliability(c.reliability));
    ASSERT_TRUE(report) << report.error().message;
    ASSERT_EQ(report->subscales.size(), 1u);
    const SubscaleChange& s = report->subscales[0];
    const auto& fixture = c.fixture;

    const auto& descriptives = at(fixture, "descriptives");
    EXPECT_EQ(static_cast<double>(s.n_pairs), number_at(descriptives, "n"));
    EXPECT_STAT(s.pre.mean, number_at(descriptives, "pre_mean"));
    EXPECT_STAT(s.pre.sd, number_at(descriptives, "pre_sd"));
    EXPECT_STAT(s.post.mean, number_at(descriptives, "post_mean"));
    EXPECT_STAT(s.post.sd, number_at(descriptives, "post_sd"));
    if (number_at(descriptives, "diff_sd") == 0.0) {
      EXPECT_EQ(s.difference.sd, 0.0);
    } else {
      EXPECT_STAT(s.difference.mean, number_at(descriptives, "diff_mean"));
      EXPECT_STAT(s.difference.sd, number_at(descriptives, "diff_sd"));
    }

    const auto& t = at(fixture, "paired_t");
    if (t.is_null() || at(t, "t").is_null()) {
      EXPECT_FALSE(s.paired_t) << "R has no usable t";
      EXPECT_TRUE(has_warning(s.warnings, "paired t test is undefined")) << joined(s.warnings);
      EXPECT_FALSE(s.paired_t_p_holm);
    } else {
      ASSERT_TRUE(s.paired_t);
      EXPECT_STAT(s.paired_t->t, number_at(t, "t"));
      EXPECT_STAT(s.paired_t->df, number_at(t, "df"));
      EXPECT_STAT(s.paired_t->p, number_at(t, "p"));
      EXPECT_STAT(s.paired_t->ci_lower, number_at(t, "ci_lower"));
      EXPECT_STAT(s.paired_t->ci_upper, number_at(t, "ci_upper"));
      EXPECT_STAT(s.paired_t_p_holm, number_at(t, "p")) << "one subscale: Holm leaves p alone";
      const auto at_90 = change(*c.instrument, c.pre, c.post, caller_reliability(c.reliability, 0.90));
      ASSERT_TRUE(at_90 && at_90->subscales[0].paired_t);
      EXPECT_STAT(at_90->subscales[0].paired_t->ci_lower, number_at(at(fixture, "paired_t_90"), "ci_lower"));
      EXPECT_STAT(at_90->subscales[0].paired_t->ci_upper, number_at(at(fixture, "paired_t_90"), "ci_upper"));
    }

    const auto& w = at(fixture, "wilcoxon");
    ASSERT_TRUE(s.wilcoxon);
    EXPECT_STAT(s.wilcoxon->v, number_at(w, "v"));
    EXPECT_STAT(s.wilcoxon->p, number_at(w, "p"));
    EXPECT_EQ(s.wilcoxon->exact ? "exact" : "normal", std::string(at(w, "method").as_string()));
    if (!number_at(w, "p")) {
      EXPECT_FALSE(s.wilcoxon->p) << "null, never NaN";
    }

    const auto& effect = at(fixture, "effect_sizes");
    ASSERT_TRUE(s.effect_sizes);
    EXPECT_STAT(s.effect_sizes->d_z, number_at(effect, "d_z"));
    EXPECT_STAT(s.effect_sizes->d_av, number_at(effect, "d_av"));
    EXPECT_STAT(s.effect_sizes->d_rm, number_at(effect, "d_rm"));
    EXPECT_STAT(s.effect_sizes->g_z, number_at(effect, "g_z"));
    EXPECT_STAT(s.effect_sizes->g_av, number_at(effect, "g_av"));
    const double r_tolerance = (name == "all_zero" || name == "constant_shift") ? 1e-15 : test::kRelative;
    EXPECT_TRUE(test::strictly_near(s.effect_sizes->r_pre_post, number_at(descriptives, "r_pre_post"), r_tolerance));

    const auto& rci = at(fixture, "rci");
    ASSERT_TRUE(s.rci) << joined(s.warnings);
    EXPECT_EQ(s.rci->reliability_source, ReliabilitySource::caller);
    EXPECT_STAT(s.rci->reliability, number_at(rci, "reliability"));
    EXPECT_STAT(s.rci->sd_pre, number_at(rci, "sd_pre"));
    EXPECT_STAT(s.rci->s_diff, number_at(rci, "s_diff"));
    EXPECT_STAT(s.rci->criterion, number_at(rci, "criterion"));
    const auto expected_rci = numbers(at(rci, "rci"));
    const auto expected_category = strings(at(rci, "category"));
    const auto pre = numbers(at(fixture, "pre"));
    const auto post = numbers(at(fixture, "post"));
    ASSERT_EQ(s.rci->participants.size(), expected_rci.size());
    for (std::size_t i = 0; i < expected_rci.size(); ++i) {
      const RciParticipant& p = s.rci->participants[i];
      EXPECT_EQ(p.id, respondent_id("p", i));
      EXPECT_EQ(p.pre, pre[i]) << "the score is R's double, bit for bit";
      EXPECT_EQ(p.post, post[i]);
      if (expected_rci[i] == 0) {
        EXPECT_EQ(p.rci, 0.0) << i;
      } else {
        EXPECT_STAT(p.rci, expected_rci[i]) << i;
      }
      EXPECT_EQ(to_string(p.category), expected_category[i]) << i;
    }
    const auto& counts = at(rci, "counts");
    EXPECT_EQ(static_cast<double>(s.rci->improved), number_at(counts, "improved"));
    EXPECT_EQ(static_cast<double>(s.rci->unchanged), number_at(counts, "unchanged"));
    EXPECT_EQ(static_cast<double>(s.rci->deteriorated), number_at(counts, "deteriorated"));
  }
}

TEST(Change, StatsWorkedExampleThroughTheEncoder) {
  const PairedCase c = load_paired("stats_example");
  const auto report = change(*c.instrument, c.pre, c.post, caller_reliability(0.9));
  ASSERT_TRUE(report);
  boost::system::error_code ec;
  const auto json = boost::json::parse(encode_change_result(*c.instrument, *report), ec);
  ASSERT_FALSE(ec);
  EXPECT_EQ(at(at(json, "instrument"), "id").as_string(), "change-test");
  const auto& s = at(json, "subscales").as_array().at(0);
  // Every field of docs/api.md's change result, by its exact name.
  for (const char* key : {"id", "n_pairs", "unmatched", "pre", "post", "difference", "paired_t", "wilcoxon",
                          "effect_sizes", "rci", "bands", "warnings"}) {
    EXPECT_TRUE(s.as_object().contains(key)) << key;
  }
  for (const char* key : {"t", "df", "p", "ci"}) EXPECT_TRUE(at(s, "paired_t").as_object().contains(key)) << key;
  for (const char* key : {"v", "p", "method"}) EXPECT_TRUE(at(s, "wilcoxon").as_object().contains(key)) << key;
  for (const char* key : {"d_z", "d_av", "d_rm", "g_z", "g_av", "r_pre_post"}) {
    EXPECT_TRUE(at(s, "effect_sizes").as_object().contains(key)) << key;
  }
  for (const char* key : {"reliability", "reliability_source", "s_diff", "criterion", "counts", "participants"}) {
    EXPECT_TRUE(at(s, "rci").as_object().contains(key)) << key;
  }
  for (const char* key : {"id", "pre", "post", "difference", "rci", "category"}) {
    EXPECT_TRUE(at(at(s, "rci"), "participants").as_array().at(0).as_object().contains(key)) << key;
  }
  for (const char* key : {"labels", "transitions", "mcnemar"})
    EXPECT_TRUE(at(s, "bands").as_object().contains(key)) << key;
  for (const char* key : {"statistic", "df", "p"}) {
    EXPECT_TRUE(at(at(s, "bands"), "mcnemar").as_object().contains(key)) << key;
  }
  EXPECT_EQ(json.as_object().begin()->key(), "instrument") << "every result starts with the instrument";
  EXPECT_EQ(at(s, "id").as_string(), "EE");
  EXPECT_EQ(at(s, "n_pairs").to_number<double>(), 12);
  // docs/statistics.md's numbers with the post - pre sign.
  EXPECT_NEAR_REL(*number_at(at(s, "paired_t"), "t"), -2.71960041460, 1e-9);
  EXPECT_NEAR_REL(*number_at(at(s, "paired_t"), "p"), 0.01994569397, 1e-9);
  EXPECT_NEAR_REL(*number_at(at(at(s, "paired_t"), "ci"), "lower"), -8.44342152568, 1e-9);
  EXPECT_NEAR_REL(*number_at(at(at(s, "paired_t"), "ci"), "upper"), -0.88991180765, 1e-9);
  EXPECT_EQ(at(at(s, "wilcoxon"), "v").to_number<double>(), 11);
  EXPECT_EQ(at(at(s, "wilcoxon"), "method").as_string(), "exact");
  EXPECT_NEAR_REL(*number_at(at(s, "wilcoxon"), "p"), 0.02685546875, 1e-12);
  EXPECT_NEAR_REL(*number_at(at(s, "effect_sizes"), "d_z"), -0.7850810157, 1e-9);
  EXPECT_EQ(at(at(s, "rci"), "reliability_source").as_string(), "caller");
  EXPECT_EQ(at(at(s, "rci"), "participants").as_array().size(), 12u);
  EXPECT_EQ(at(at(at(s, "rci"), "counts"), "improved").to_number<double>(), 7);
  EXPECT_EQ(at(at(at(s, "rci"), "counts"), "deteriorated").to_number<double>(), 1);
  EXPECT_EQ(at(at(s, "bands"), "labels").as_array().size(), 3u);
  EXPECT_TRUE(at(at(s, "unmatched"), "pre_only").as_array().empty());
  EXPECT_NEAR_REL(*number_at(at(at(json, "holm"), "paired_t"), "EE"), 0.01994569397, 1e-9);
  EXPECT_NEAR_REL(*number_at(at(at(json, "holm"), "wilcoxon"), "EE"), 0.02685546875, 1e-12);
}

TEST(Change, AllZeroDifferencesGiveNullNotNaN) {
  const PairedCase c = load_paired("all_zero");
  const auto report = change(*c.instrument, c.pre, c.post, caller_reliability(c.reliability));
  ASSERT_TRUE(report);
  const SubscaleChange& s = report->subscales[0];
  EXPECT_FALSE(s.paired_t);
  ASSERT_TRUE(s.wilcoxon);
  EXPECT_FALSE(s.wilcoxon->p);
  EXPECT_TRUE(has_warning(s.warnings, "every difference is 0: the paired t test is undefined")) << joined(s.warnings);
  EXPECT_TRUE(has_warning(s.warnings, "every difference is 0: the Wilcoxon signed-rank p is undefined"));
  const std::string body = encode_change_result(*c.instrument, *report);
  EXPECT_EQ(body.find("nan"), std::string::npos);
  EXPECT_EQ(body.find("inf"), std::string::npos);
  const auto json = boost::json::parse(body);
  const auto& subscale = at(json, "subscales").as_array().at(0);
  EXPECT_TRUE(at(subscale, "paired_t").is_null());
  EXPECT_TRUE(at(at(subscale, "wilcoxon"), "p").is_null());
  EXPECT_TRUE(at(at(subscale, "effect_sizes"), "d_z").is_null());
  EXPECT_TRUE(at(at(json, "holm"), "paired_t").as_object().at("EE").is_null());
}

TEST(Change, SmallCohortWarnings) {
  struct Case {
    const char* name;
    const char* fragment;
    bool expected;
  };
  const Case cases[] = {
      {"small_unreachable", "cannot reach p < 0.05 at all (smallest possible two-sided p 0.0625)", true},
      {"small_unreachable", "only 5 pairs (fewer than 10)", true},
      {"group8_exact", "cannot reach p < 0.05", false},
      {"group8_exact", "only 8 pairs (fewer than 10)", true},
      {"stats_example", "fewer than 10", false},
      {"group12_ties_zero", "no exact p with tied |differences| and 1 zero difference(s), dropped", true},
      {"constant_shift", "every difference is -2: with no variation the paired t test is undefined", true},
      {"cohort80", "no exact p", false},  // n >= 50: R never tries the exact test
  };
  for (const auto& c : cases) {
    const PairedCase data = load_paired(c.name);
    const auto report = change(*data.instrument, data.pre, data.post, caller_reliability(data.reliability));
    ASSERT_TRUE(report) << c.name;
    const auto& warnings = report->subscales[0].warnings;
    EXPECT_EQ(has_warning(warnings, c.fragment), c.expected) << c.name << ": " << c.fragment << joined(warnings);
  }
}

TEST(Change, SampleAlphaIsTheRawAlphaOfTheMatchedPreWave) {
  // tests/data/reliability/mbi_like_small: psych::alpha raw_alpha of 10 x 9
  // answers with 3 missing cells. Post: every answer one lower (floored at 0).
  const auto fixture = read_json(test::data_dir() / "reliability" / "mbi_like_small.json");
  const auto rows = test::matrix(at(fixture, "data"));
  const InstrumentPtr instrument = make_instrument({});
  ResponseMatrix pre;
  ResponseMatrix post;
  pre.item_count = post.item_count = 9;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    pre.ids.push_back(respondent_id("p", r));
    post.ids.push_back(respondent_id("p", r));
    for (const double x : rows[r]) {
      pre.answers.push_back(x);
      post.answers.push_back(std::isnan(x) ? x : std::max(0.0, x - 1));
    }
    pre.errors.emplace_back();
    post.errors.emplace_back();
  }
  const auto report = change(*instrument, pre, post);
  ASSERT_TRUE(report) << report.error().message;
  const SubscaleChange& s = report->subscales[0];
  ASSERT_TRUE(s.rci) << joined(s.warnings);
  EXPECT_EQ(s.rci->reliability_source, ReliabilitySource::sample);
  EXPECT_EQ(s.rci->reliability_n, 10u);
  EXPECT_STAT(s.rci->reliability, number_at(at(fixture, "alpha"), "raw_alpha"));
  EXPECT_TRUE(has_warning(s.warnings, "sample alpha of only 10 respondents")) << joined(s.warnings);

  ChangeOptions published;
  published.rci_reliability = RciFromPublished{};
  const auto from_definition = change(*instrument, pre, post, published);
  ASSERT_TRUE(from_definition && from_definition->subscales[0].rci);
  EXPECT_EQ(from_definition->subscales[0].rci->reliability, 0.9);
  EXPECT_EQ(from_definition->subscales[0].rci->reliability_source, ReliabilitySource::published);
  EXPECT_FALSE(has_warning(from_definition->subscales[0].warnings, "sample alpha"));
}

TEST(Change, TestRetestIccMatchesPsychIcc) {
  // tests/data/reliability/icc_pre_post_12: psych::ICC of the docs/statistics.md pre/post sums.
  const auto fixture = read_json(test::data_dir() / "reliability" / "icc_pre_post_12.json");
  const PairedCase c = load_paired("stats_example");
  const auto report = change(*c.instrument, c.pre, c.post, caller_reliability(0.9));
  ASSERT_TRUE(report && report->subscales[0].icc);
  const TestRetest& icc = *report->subscales[0].icc;
  for (const auto& row : at(fixture, "icc").as_array()) {
    const std::string type(at(row, "type").as_string());
    if (type != "ICC2" && type != "ICC3") continue;
    const IccEstimate& estimate = type == "ICC2" ? icc.agreement : icc.consistency;
    SCOPED_TRACE(type);
    EXPECT_STAT(estimate.icc, number_at(row, "icc"));
    EXPECT_STAT(estimate.f, number_at(row, "f"));
    EXPECT_STAT(estimate.df1, number_at(row, "df1"));
    EXPECT_STAT(estimate.df2, number_at(row, "df2"));
    EXPECT_STAT(estimate.p, number_at(row, "p"));
    EXPECT_STAT(estimate.lower, number_at(row, "lower"));
    EXPECT_STAT(estimate.upper, number_at(row, "upper"));
  }
}

TEST(Change, PairsByIdAndListsTheUnmatchedInInputOrder) {
  const InstrumentPtr instrument = make_instrument({});
  ResponseMatrix pre = wave_of_sums({20, 25, 30, 35, 22, 28}, 9);
  ResponseMatrix post = wave_of_sums({18, 20, 29, 30, 21}, 9);
  pre.ids = {"a", "x1", "b", "c", "d", "x2"};
  post.ids = {"d", "c", "y1", "b", "a"};
  // "b" has an answer error in the post wave: matched, but left out.
  post.errors[3].push_back({"1", AnswerErrorCode::out_of_range, "answer 9 is out of range"});
  const auto report = change(*instrument, pre, post, caller_reliability(0.9));
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->pre_only, (std::vector<std::string>{"x1", "x2"}));
  EXPECT_EQ(report->post_only, (std::vector<std::string>{"y1"}));
  EXPECT_EQ(report->matched, 4u);
  EXPECT_EQ(report->excluded_for_errors, 1u);
  const SubscaleChange& s = report->subscales[0];
  EXPECT_EQ(s.n_pairs, 3u);
  ASSERT_TRUE(s.rci);
  ASSERT_EQ(s.rci->participants.size(), 3u);
  // Pairs follow the pre wave's order; post rows are found by id.
  EXPECT_EQ(s.rci->participants[0].id, "a");
  EXPECT_EQ(s.rci->participants[0].post, 21);
  EXPECT_EQ(s.rci->participants[1].id, "c");
  EXPECT_EQ(s.rci->participants[1].post, 20);
  EXPECT_EQ(s.rci->participants[2].id, "d");
  EXPECT_EQ(s.rci->participants[2].post, 18);
  EXPECT_TRUE(has_warning(report->warnings, "1 matched respondent(s) have answer errors")) << joined(report->warnings);
  EXPECT_TRUE(has_warning(report->warnings, "2 respondent(s) of the pre wave have no post responses"));
  EXPECT_TRUE(has_warning(report->warnings, "1 respondent(s) of the post wave have no pre responses"));
  for (const auto& warning : report->warnings) {
    EXPECT_EQ(warning.find("\"b\""), std::string::npos) << "warnings name no respondent: " << warning;
  }
  const auto json = boost::json::parse(encode_change_result(*instrument, *report));
  const auto& unmatched = at(at(json, "subscales").as_array().at(0), "unmatched");
  EXPECT_EQ(strings(at(unmatched, "pre_only")), (std::vector<std::string>{"x1", "x2"}));
  EXPECT_EQ(strings(at(unmatched, "post_only")), (std::vector<std::string>{"y1"}));
}

TEST(Change, OnlyPairsWithBothScoresCount) {
  const InstrumentPtr instrument = make_instrument({});
  ResponseMatrix pre = wave_of_sums({20, 25, 30, 35}, 9);
  ResponseMatrix post = wave_of_sums({18, 20, 29, 30}, 9);
  // Two answers missing: below min_answered (8 of 9), no score.
  pre.answers[1 * 9 + 0] = std::nan("");
  pre.answers[1 * 9 + 1] = std::nan("");
  const auto report = change(*instrument, pre, post, caller_reliability(0.9));
  ASSERT_TRUE(report);
  EXPECT_EQ(report->subscales[0].n_pairs, 3u);
  EXPECT_TRUE(has_warning(report->subscales[0].warnings, "1 matched respondent(s) lack a score in one wave"));
}

TEST(Change, RejectsUnusableRequests) {
  const InstrumentPtr instrument = make_instrument([] {
    TestInstrument t;
    t.published = false;
    return t;
  }());
  const ResponseMatrix pre = wave_of_sums({20, 25, 30}, 9);
  const ResponseMatrix post = wave_of_sums({18, 20, 29}, 9);
  ResponseMatrix duplicated = post;
  duplicated.ids[2] = duplicated.ids[0];
  ResponseMatrix wrong_width = post;
  wrong_width.item_count = 8;

  struct Case {
    const char* name;
    ChangeOptions options;
    const ResponseMatrix* pre;
    const ResponseMatrix* post;
    const char* pointer;
    const char* code;
  };
  ChangeOptions unknown_subscale;
  unknown_subscale.subscales = {"EE", "XX"};
  ChangeOptions bad_level;
  bad_level.ci_level = 1;
  ChangeOptions bad_criterion;
  bad_criterion.rci_criterion = -1;
  ChangeOptions published;
  published.rci_reliability = RciFromPublished{};
  ChangeOptions missing_value;
  missing_value.rci_reliability = RciFromCaller{{"DP", 0.8}};
  ChangeOptions value_out_of_range;
  value_out_of_range.rci_reliability = RciFromCaller{{"EE", 1.0}};
  ChangeOptions criterion_b;
  criterion_b.clinical_significance = ClinicalSignificanceOptions{};
  criterion_b.clinical_significance->criterion = CutoffCriterion::b;

  const ResponseMatrix one = wave_of_sums({20}, 9);
  const std::vector<Case> cases = {
      {"unknown subscale", unknown_subscale, &pre, &post, "/subscales/1", "unknown_subscale"},
      {"ci_level 1", bad_level, &pre, &post, "/ci_level", "out_of_range"},
      {"negative criterion", bad_criterion, &pre, &post, "/rci_criterion", "out_of_range"},
      {"no published reliability", published, &pre, &post, "/rci_reliability", "no_published_reliability"},
      {"caller value for an unknown subscale", missing_value, &pre, &post, "/rci_reliability/DP", "unknown_subscale"},
      {"caller reliability 1", value_out_of_range, &pre, &post, "/rci_reliability/EE", "out_of_range"},
      {"criterion b without norms", criterion_b, &pre, &post, "/clinical_significance/criterion", "no_norms"},
      {"duplicate id", {}, &pre, &duplicated, "/post/2", "duplicate_id"},
      {"other instrument", {}, &pre, &wrong_width, "/post", "wrong_instrument"},
      {"one pair", {}, &one, &post, "", "too_few_pairs"},
  };
  for (const auto& c : cases) {
    const auto report = change(*instrument, *c.pre, *c.post, c.options);
    ASSERT_FALSE(report) << c.name;
    EXPECT_EQ(report.error().code, ErrorCode::invalid) << c.name;
    const auto& problems = report.error().problems;
    const bool found = std::any_of(problems.begin(), problems.end(),
                                   [&](const Problem& p) { return p.pointer == c.pointer && p.code == c.code; });
    EXPECT_TRUE(found) << c.name << ": " << report.error().message;
  }
  // The message names the subscale, so a user knows what to fix.
  const auto report = change(*instrument, pre, post, published);
  ASSERT_FALSE(report);
  EXPECT_NE(report.error().message.find("subscale \"EE\""), std::string::npos) << report.error().message;
}

TEST(Change, NoSubscaleWithTwoCompletePairsIsInvalid) {
  const InstrumentPtr instrument = make_instrument({});
  ResponseMatrix pre = wave_of_sums({20, 25, 30}, 9);
  const ResponseMatrix post = wave_of_sums({18, 20, 29}, 9);
  for (std::size_t r = 0; r < 2; ++r) pre.answers[r * 9] = pre.answers[r * 9 + 1] = std::nan("");
  const auto report = change(*instrument, pre, post);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().problems.at(0).code, "too_few_pairs");
}

TEST(Change, BandTransitionsAndMcNemarMatchR) {
  for (const std::string name : {"two_bands", "three_bands", "three_bands_empty_pair", "two_bands_equal_discordant",
                                 "two_bands_no_discordant"}) {
    SCOPED_TRACE(name);
    const auto fixture = bands_fixture(name);
    const auto labels = strings(at(fixture, "labels"));
    const InstrumentPtr instrument = make_instrument(with_bands(labels));
    // A score inside each band: 10, 22, 35 (three bands) or 10, 35 (two).
    const std::vector<double> inside =
        labels.size() == 3 ? std::vector<double>{10, 22, 35} : std::vector<double>{10, 35};
    std::vector<double> pre_scores;
    std::vector<double> post_scores;
    for (const double band : numbers(at(fixture, "pre_band")))
      pre_scores.push_back(inside[static_cast<std::size_t>(band)]);
    for (const double band : numbers(at(fixture, "post_band")))
      post_scores.push_back(inside[static_cast<std::size_t>(band)]);
    const auto report =
        change(*instrument, wave_of_sums(pre_scores, 9), wave_of_sums(post_scores, 9), caller_reliability(0.9));
    ASSERT_TRUE(report) << report.error().message;
    const SubscaleChange& s = report->subscales[0];
    ASSERT_TRUE(s.bands);
    EXPECT_EQ(s.bands->labels, labels);
    const auto expected_table = test::matrix(at(fixture, "transitions"));
    ASSERT_EQ(s.bands->transitions.size(), expected_table.size());
    for (std::size_t i = 0; i < expected_table.size(); ++i) {
      for (std::size_t j = 0; j < expected_table.size(); ++j) {
        EXPECT_EQ(static_cast<double>(s.bands->transitions[i][j]), expected_table[i][j]) << i << "," << j;
      }
    }
    const auto* dropped = fixture.as_object().if_contains("mcnemar_pairs_dropped");
    const auto& expected = dropped ? *dropped : at(fixture, "mcnemar");
    EXPECT_STAT(s.bands->test.statistic, number_at(expected, "statistic"));
    EXPECT_EQ(static_cast<double>(s.bands->test.df), number_at(expected, "df"));
    EXPECT_STAT(s.bands->test.p, number_at(expected, "p"));
    if (name == "three_bands_empty_pair") {
      ASSERT_EQ(s.bands->test.pairs_left_out.size(), 1u);
      EXPECT_EQ(s.bands->test.pairs_left_out[0], (std::pair<std::string, std::string>{"low", "high"}));
      EXPECT_TRUE(has_warning(s.warnings, "(low <-> high) are left out of the statistic and df")) << joined(s.warnings);
    }
    if (name == "two_bands_no_discordant") {
      EXPECT_TRUE(has_warning(s.warnings, "nobody moved between bands")) << joined(s.warnings);
    }
    EXPECT_EQ(s.bands->test.continuity_corrected, name == "two_bands");
  }
}

TEST(Change, ScoresOutsideEveryBandAreLeftOutOfTransitions) {
  // Bands with a gap (18 | 27): a score of 22 has band null.
  auto instrument = parse_instrument(R"({"id": "gap", "version": "1.0.0", "name": "Gap",
      "scale": {"min": 0, "max": 6}, "items": [{"id": "1"}, {"id": "2"}, {"id": "3"}, {"id": "4"}, {"id": "5"},
      {"id": "6"}, {"id": "7"}, {"id": "8"}, {"id": "9"}],
      "subscales": [{"id": "EE", "items": ["1", "2", "3", "4", "5", "6", "7", "8", "9"], "method": "sum",
      "bands": [{"label": "low", "max": 18}, {"label": "high", "min": 27}]}]})");
  ASSERT_TRUE(instrument) << instrument.error().message;
  const auto report = change(**instrument, wave_of_sums({10, 22, 30, 12}, 9), wave_of_sums({12, 10, 12, 30}, 9),
                             caller_reliability(0.9));
  ASSERT_TRUE(report);
  const SubscaleChange& s = report->subscales[0];
  ASSERT_TRUE(s.bands);
  EXPECT_EQ(s.bands->left_out, 1u);
  EXPECT_EQ(s.bands->transitions, (std::vector<std::vector<std::size_t>>{{1, 1}, {1, 0}}));
  EXPECT_TRUE(has_warning(s.warnings, "1 pair(s) with a score outside or between the bands")) << joined(s.warnings);
}

TEST(Change, HolmAdjustsAcrossTheSubscalesOfOneRequest) {
  // Two subscales over the same 9 items, one of them reversed in direction.
  auto instrument = parse_instrument(R"({"id": "two", "version": "1.0.0", "name": "Two",
      "scale": {"min": 0, "max": 6}, "items": [{"id": "1"}, {"id": "2"}, {"id": "3"}, {"id": "4"}, {"id": "5"},
      {"id": "6"}, {"id": "7"}, {"id": "8"}, {"id": "9"}],
      "subscales": [{"id": "A", "items": ["1", "2", "3", "4", "5", "6", "7", "8", "9"], "method": "sum"},
                    {"id": "B", "items": ["1", "2", "3"], "method": "sum"}]})");
  ASSERT_TRUE(instrument);
  const PairedCase c = load_paired("stats_example");
  ChangeOptions options;
  options.rci_reliability = RciFromCaller{{"A", 0.9}, {"B", 0.8}};
  const auto report = change(**instrument, c.pre, c.post, options);
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_EQ(report->subscales.size(), 2u);
  std::vector<double> t_p;
  std::vector<double> w_p;
  for (const auto& s : report->subscales) {
    ASSERT_TRUE(s.paired_t && s.wilcoxon && s.wilcoxon->p) << s.id;
    t_p.push_back(s.paired_t->p);
    w_p.push_back(*s.wilcoxon->p);
  }
  const auto t_holm = detail::holm_adjust(t_p);
  const auto w_holm = detail::holm_adjust(w_p);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(report->subscales[i].paired_t_p_holm, t_holm[i]) << i;
    EXPECT_EQ(report->subscales[i].wilcoxon_p_holm, w_holm[i]) << i;
  }
}

TEST(Change, ClinicalSignificanceFollowsJacobsonTruax) {
  // Lower is better; norms mean 14, sd 8. Pre sample: mean and sd of 30, 34, 26, 38, 22, 30.
  const InstrumentPtr instrument = make_instrument([] {
    TestInstrument t;
    t.norms = true;
    return t;
  }());
  const std::vector<double> pre = {30, 34, 26, 38, 22, 30};
  const std::vector<double> post = {12, 33, 24, 20, 21, 40};
  ChangeOptions options = caller_reliability(0.9);
  options.clinical_significance = ClinicalSignificanceOptions{};
  const auto report = change(*instrument, wave_of_sums(pre, 9), wave_of_sums(post, 9), options);
  ASSERT_TRUE(report) << report.error().message;
  const auto& rci = report->subscales[0].rci;
  ASSERT_TRUE(rci && rci->clinical_significance);
  const ClinicalSignificance& clinical = *rci->clinical_significance;
  EXPECT_EQ(clinical.criterion, CutoffCriterion::c) << "norms exist: c by default";
  const double mean_d = 30;
  const double sd_d = std::sqrt((0.0 + 16 + 16 + 64 + 64 + 0) / 5);
  EXPECT_DOUBLE_EQ(clinical.dysfunctional.mean, mean_d);
  EXPECT_DOUBLE_EQ(clinical.dysfunctional.sd, sd_d);
  EXPECT_DOUBLE_EQ(clinical.cutoff, (sd_d * 14 + 8 * mean_d) / (sd_d + 8));
  // s_diff = sqrt(2) * sd_d * sqrt(0.1) = 2.53: p01 (-18) and p04 (-18)
  // improve reliably and end at 12 and 20, both below c = 23.4 from above it;
  // p06 (+10) deteriorates.
  const auto& p = rci->participants;
  EXPECT_EQ(p[0].clinical_category, ClinicalCategory::recovered);
  EXPECT_EQ(p[3].clinical_category, ClinicalCategory::recovered);
  EXPECT_EQ(p[1].clinical_category, ClinicalCategory::unchanged);
  EXPECT_EQ(p[5].clinical_category, ClinicalCategory::deteriorated);
  EXPECT_EQ(clinical.recovered, 2u);
  EXPECT_EQ(clinical.deteriorated, 1u);

  // Criterion a with 1.96: 30 - 1.96 sd_d = 18.9; p01 at 12 crosses it, p04 at 20 does not.
  options.clinical_significance = ClinicalSignificanceOptions{};
  options.clinical_significance->criterion = CutoffCriterion::a;
  options.clinical_significance->sd_multiplier = 1.96;
  const auto with_a = change(*instrument, wave_of_sums(pre, 9), wave_of_sums(post, 9), options);
  ASSERT_TRUE(with_a && with_a->subscales[0].rci->clinical_significance);
  EXPECT_DOUBLE_EQ(with_a->subscales[0].rci->clinical_significance->cutoff, mean_d - 1.96 * sd_d);
  EXPECT_FALSE(with_a->subscales[0].rci->clinical_significance->functional);
  EXPECT_EQ(with_a->subscales[0].rci->participants[0].clinical_category, ClinicalCategory::recovered);
  EXPECT_EQ(with_a->subscales[0].rci->participants[3].clinical_category, ClinicalCategory::improved);

  // Criterion b with the pre-wave SD standing in for the functional one.
  options.clinical_significance = ClinicalSignificanceOptions{};
  options.clinical_significance->criterion = CutoffCriterion::b;
  options.clinical_significance->functional_sd = FunctionalSd::sample;
  const auto with_b = change(*instrument, wave_of_sums(pre, 9), wave_of_sums(post, 9), options);
  ASSERT_TRUE(with_b && with_b->subscales[0].rci->clinical_significance);
  EXPECT_DOUBLE_EQ(with_b->subscales[0].rci->clinical_significance->cutoff, 14 + 2 * sd_d);
  const auto json = boost::json::parse(encode_change_result(*instrument, *with_b));
  const auto& block = at(at(at(json, "subscales").as_array().at(0), "rci"), "clinical_significance");
  EXPECT_EQ(at(block, "criterion").as_string(), "b");
  EXPECT_EQ(at(block, "functional_sd").as_string(), "sample");
}

// Every Jacobson-Truax criterion against the R fixtures (tests/data/change/
// clinical_*.json), in both directions of "better".
TEST(Change, ClinicalSignificanceMatchesRFixtures) {
  for (const std::string name : {"lower_is_better", "higher_is_better"}) {
    const auto fixture = read_json(test::data_dir() / "change" / ("clinical_" + name + ".json"));
    TestInstrument spec;
    spec.norms = true;
    spec.higher_is_better = at(fixture, "higher_is_better").as_bool();
    const InstrumentPtr instrument = make_instrument(spec);
    const auto pre = numbers(at(fixture, "pre"));
    const auto post = numbers(at(fixture, "post"));
    for (const auto& variant : at(fixture, "variants").as_array()) {
      const std::string criterion(at(variant, "criterion").as_string());
      const std::string functional_sd(at(variant, "functional_sd").as_string());
      const std::string label = name + " / " + criterion + " / " + functional_sd;
      ChangeOptions options = caller_reliability(*number_at(fixture, "reliability"));
      options.clinical_significance = ClinicalSignificanceOptions{};
      options.clinical_significance->criterion = criterion == "a"   ? CutoffCriterion::a
                                                 : criterion == "b" ? CutoffCriterion::b
                                                                    : CutoffCriterion::c;
      options.clinical_significance->sd_multiplier = *number_at(variant, "sd_multiplier");
      options.clinical_significance->functional_sd =
          functional_sd == "norms" ? FunctionalSd::norms : FunctionalSd::sample;
      const auto report = change(*instrument, wave_of_sums(pre, 9), wave_of_sums(post, 9), options);
      ASSERT_TRUE(report) << label << ": " << report.error().message;
      const auto& rci = report->subscales[0].rci;
      ASSERT_TRUE(rci && rci->clinical_significance) << label;
      const ClinicalSignificance& clinical = *rci->clinical_significance;
      EXPECT_STAT(clinical.dysfunctional.mean, number_at(at(fixture, "dysfunctional"), "mean")) << label;
      EXPECT_STAT(clinical.dysfunctional.sd, number_at(at(fixture, "dysfunctional"), "sd")) << label;
      EXPECT_STAT(rci->s_diff, number_at(fixture, "s_diff")) << label;
      EXPECT_STAT(clinical.cutoff, number_at(variant, "cutoff")) << label;
      const auto& expected_rci = at(fixture, "rci").as_array();
      const auto& crossed = at(variant, "crossed_cutoff").as_array();
      const auto& category = at(variant, "category").as_array();
      ASSERT_EQ(rci->participants.size(), expected_rci.size()) << label;
      for (std::size_t i = 0; i < rci->participants.size(); ++i) {
        const RciParticipant& participant = rci->participants[i];
        EXPECT_STAT(participant.rci, test::number(expected_rci[i])) << label << " participant " << i;
        EXPECT_EQ(to_string(participant.category), at(fixture, "rci_category").as_array()[i].as_string())
            << label << " participant " << i;
        EXPECT_EQ(participant.crossed_cutoff, crossed[i].as_bool()) << label << " participant " << i;
        ASSERT_TRUE(participant.clinical_category) << label;
        EXPECT_EQ(to_string(*participant.clinical_category), category[i].as_string()) << label << " participant " << i;
      }
      const auto& counts = at(variant, "counts");
      EXPECT_EQ(clinical.recovered, at(counts, "recovered").as_int64()) << label;
      EXPECT_EQ(clinical.improved, at(counts, "improved").as_int64()) << label;
      EXPECT_EQ(clinical.unchanged, at(counts, "unchanged").as_int64()) << label;
      EXPECT_EQ(clinical.deteriorated, at(counts, "deteriorated").as_int64()) << label;
      EXPECT_EQ(clinical.harmed, at(counts, "harmed").as_int64()) << label;
    }
  }
}

TEST(Change, DegenerateRciSaysWhy) {
  // A single-item subscale has no sample alpha.
  const InstrumentPtr single = make_instrument([] {
    TestInstrument t;
    t.items = 1;
    return t;
  }());
  const auto report = change(*single, wave_of_sums({1, 2, 3, 4}, 1), wave_of_sums({2, 2, 5, 4}, 1));
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->subscales[0].rci);
  EXPECT_TRUE(has_warning(report->subscales[0].warnings, "single-item subscale has no sample alpha"));
  // Pre scores that do not vary give s_diff 0.
  const InstrumentPtr instrument = make_instrument({});
  const auto flat =
      change(*instrument, wave_of_sums({20, 20, 20}, 9), wave_of_sums({18, 20, 25}, 9), caller_reliability(0.9));
  ASSERT_TRUE(flat);
  EXPECT_FALSE(flat->subscales[0].rci);
  EXPECT_TRUE(has_warning(flat->subscales[0].warnings, "do not vary (SD 0)"));
}

TEST(ChangeBalintCohortExample, ChangeAndCompareRunOnTheSyntheticCohort) {
  const auto registry = Registry::load_directory(test::source_dir() / "instruments");
  ASSERT_TRUE(registry) << registry.error().message;
  const InstrumentPtr mbi = registry->find("mbi-hss");
  ASSERT_TRUE(mbi);
  const auto example = test::source_dir() / "examples" / "balint-cohort";
  const auto pre = decode_csv_responses(*mbi, test::read_text(example / "pre.csv"));
  const auto post = decode_csv_responses(*mbi, test::read_text(example / "post.csv"));
  ASSERT_TRUE(pre && post);
  const auto report = change(*mbi, *pre, *post);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->pre_only.size() + report->post_only.size(), 0u);
  ASSERT_EQ(report->subscales.size(), 3u);
  for (const SubscaleChange& s : report->subscales) {
    SCOPED_TRACE(s.id);
    EXPECT_EQ(s.n_pairs, 12u);
    EXPECT_TRUE(s.paired_t);
    EXPECT_TRUE(s.wilcoxon && s.wilcoxon->p);
    ASSERT_TRUE(s.rci) << joined(s.warnings);
    EXPECT_EQ(s.rci->reliability_source, ReliabilitySource::sample);
    EXPECT_TRUE(has_warning(s.warnings, "sample alpha of only 12 respondents"));
    EXPECT_TRUE(s.bands);
    EXPECT_TRUE(s.icc);
  }
  // EE went down (better) on average in the synthetic cohort.
  EXPECT_LT(*report->subscales[0].difference.mean, 0);
  const std::string body = encode_change_result(*mbi, *report);
  EXPECT_EQ(body.find("nan"), std::string::npos);

  CsvOptions by_years;
  by_years.group_column = "years";
  const auto cohort = decode_csv_responses(*mbi, test::read_text(example / "cohort.csv"), by_years);
  ASSERT_TRUE(cohort) << cohort.error().message;
  const auto groups = compare(*mbi, *cohort);
  ASSERT_TRUE(groups) << groups.error().message;
  EXPECT_EQ(groups->groups.size(), 3u);
  EXPECT_EQ(groups->subscales.size(), 3u);
}

}  // namespace
}  // namespace psyscore
