// The HTML report: every template renders, the example data give complete
// pages, ids stay out unless asked for, text from the input is escaped, and
// bad input fails with exactly the problems of the underlying analysis.
// (tests/report/check_reports.py parses the pages with a real HTML parser
// and checks the figures' marks against the JSON results.)
#include "psyscore/report.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "fixtures.hpp"
#include "psyscore/change.hpp"
#include "psyscore/compare.hpp"
#include "psyscore/controlled.hpp"
#include "psyscore/model.hpp"
#include "psyscore/reliability.hpp"
#include "scoring/encode/report_format.hpp"
#include "scoring/encode/report_templates.hpp"

namespace psyscore {
namespace {

InstrumentPtr bundled(const std::string& id) {
  auto registry = Registry::load_directory(test::source_dir() / "instruments");
  EXPECT_TRUE(registry.has_value()) << "bundled instruments";
  return registry->find(id);
}

InstrumentPtr mbi() { return bundled("mbi-hss"); }

ResponseMatrix example_wave(const Instrument& instrument, const std::string& file,
                            const std::string& group_column = {}) {
  CsvOptions csv;
  csv.source = file;
  csv.group_column = group_column;
  auto wave =
      decode_csv_responses(instrument, test::read_text(test::source_dir() / "examples" / "balint-cohort" / file), csv);
  EXPECT_TRUE(wave.has_value()) << file;
  return *wave;
}

// The synthetic trial of examples/balint-trial: the Balint group and the
// waiting list, each before and after.
std::vector<ControlledGroup> trial(const Instrument& instrument) {
  const auto wave = [&](const std::string& file) {
    CsvOptions csv;
    csv.source = file;
    auto decoded =
        decode_csv_responses(instrument, test::read_text(test::source_dir() / "examples" / "balint-trial" / file), csv);
    EXPECT_TRUE(decoded.has_value()) << file;
    return *decoded;
  };
  std::vector<ControlledGroup> groups;
  groups.push_back({"balint", wave("balint_pre.csv"), wave("balint_post.csv")});
  groups.push_back({"waitlist", wave("waitlist_pre.csv"), wave("waitlist_post.csv")});
  return groups;
}

// examples/balint-survey: 142 respondents with six covariates.
ResponseMatrix survey(const Instrument& instrument) {
  CsvOptions csv;
  csv.source = "survey.csv";
  csv.covariate_columns = {"duration", "obligation", "teaching", "management", "prevention", "age"};
  auto wave = decode_csv_responses(
      instrument, test::read_text(test::source_dir() / "examples" / "balint-survey" / "survey.csv"), csv);
  EXPECT_TRUE(wave.has_value()) << "survey.csv";
  return *wave;
}

// The model of examples/balint-survey/README.md.
ReportOptions survey_model() {
  ModelOptions model;
  model.outcome = ModelOutcome::at_least_value("raw", 13);
  model.predictors = {"duration", "obligation", "teaching", "management", "prevention", "age"};
  model.reference = {{"duration", "lt1"}};
  ReportOptions options;
  options.model = model;
  return options;
}

ReportOptions waitlist_reference() {
  ReportOptions options;
  options.controlled.reference = "waitlist";
  return options;
}

void expect_same_error(const Error& actual, const Error& expected, const std::string& name) {
  EXPECT_EQ(actual.code, expected.code) << name;
  EXPECT_EQ(actual.message, expected.message) << name;
  ASSERT_EQ(actual.problems.size(), expected.problems.size()) << name;
  for (std::size_t i = 0; i < actual.problems.size(); ++i) {
    EXPECT_EQ(actual.problems[i].pointer, expected.problems[i].pointer) << name << " problem " << i;
    EXPECT_EQ(actual.problems[i].code, expected.problems[i].code) << name << " problem " << i;
    EXPECT_EQ(actual.problems[i].message, expected.problems[i].message) << name << " problem " << i;
    EXPECT_EQ(actual.problems[i].line, expected.problems[i].line) << name << " problem " << i;
    EXPECT_EQ(actual.problems[i].column, expected.problems[i].column) << name << " problem " << i;
  }
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(ReportTemplates, EveryTemplateIsCompiledIn) {
  for (const char* name : {"page", "block", "figure", "table", "overview", "scores", "reliability", "change", "compare",
                           "controlled", "model"}) {
    EXPECT_FALSE(detail::report_template(std::string(name) + ".mustache").empty()) << name;
  }
  EXPECT_TRUE(detail::report_template("missing.mustache").empty()) << "unknown name";
}

// Odds ratios as the model section writes them, and p values in sentences.
TEST(ReportFormat, RatiosAndPValuesInWords) {
  EXPECT_EQ(detail::format_ratio(7.4567), "7.46");
  EXPECT_EQ(detail::format_ratio(1.0), "1.00");
  EXPECT_EQ(detail::format_ratio(0.456), "0.46");
  EXPECT_EQ(detail::format_ratio(0.0456), "0.046");
  EXPECT_EQ(detail::format_ratio(0.00123), "0.0012");
  EXPECT_EQ(detail::format_ratio(4.2e-5), "< 0.0001");
  EXPECT_EQ(detail::format_ratio(2.5e7), "> 1,000,000");
  EXPECT_EQ(detail::format_ratio(HUGE_VAL), "> 1,000,000") << "an interval end that overflowed";
  EXPECT_EQ(detail::format_ratio(std::nan("")), "NA");
  EXPECT_EQ(detail::format_ratio(std::nullopt), "NA");
  EXPECT_EQ(detail::p_equals(0.0123), "p = 0.012");
  EXPECT_EQ(detail::p_equals(0.0001), "p < 0.001");
  EXPECT_EQ(detail::p_equals(std::nullopt), "p = NA");
}

TEST(Report, ExamplesGiveCompletePages) {
  const InstrumentPtr instrument = mbi();
  const ResponseMatrix pre = example_wave(*instrument, "pre.csv");
  const ResponseMatrix post = example_wave(*instrument, "post.csv");
  const ResponseMatrix cohort = example_wave(*instrument, "cohort.csv", "years");
  struct Case {
    const char* name;
    Result<std::string> page;
    std::vector<std::string> sections;
    std::size_t figures;  // 1 per subscale and section, plus the alpha overview
  };
  std::vector<Case> cases;
  cases.push_back({"one wave", wave_report(*instrument, pre), {"overview", "scores", "reliability"}, 3 + 1 + 3});
  cases.push_back({"pre/post",
                   change_report(*instrument, pre, post),
                   {"overview", "scores", "reliability", "change"},
                   3 + 1 + 6 + 3});
  cases.push_back(
      {"groups", compare_report(*instrument, cohort), {"overview", "scores", "reliability", "compare"}, 3 + 1 + 3 + 3});
  for (const Case& c : cases) {
    ASSERT_TRUE(c.page.has_value()) << c.name;
    const std::string& page = *c.page;
    EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u) << c.name;
    EXPECT_NE(page.find("</html>"), std::string::npos) << c.name << ": complete";
    for (const std::string& section : c.sections) {
      EXPECT_NE(page.find("<section class=\"report-section\" id=\"" + section + "\""), std::string::npos)
          << c.name << ": section " << section;
    }
    EXPECT_EQ(count(page, "<svg "), c.figures) << c.name << ": figures";
    EXPECT_EQ(count(page, "<title id="), c.figures) << c.name << ": every figure has a title";
    EXPECT_EQ(count(page, "<desc id="), c.figures) << c.name << ": every figure has a description";
    EXPECT_NE(page.find(instrument->sha256), std::string::npos) << c.name << ": provenance";
    EXPECT_NE(page.find("psyscore "), std::string::npos) << c.name << ": generator";
    EXPECT_EQ(page.find("http://"), std::string::npos) << c.name << ": no URL";
    EXPECT_EQ(page.find("https://"), std::string::npos) << c.name << ": no URL";
    EXPECT_EQ(page.find("<script"), std::string::npos) << c.name << ": no script";
    for (const char* id : {">b01<", "b01:", ">c01<", "c01:"}) {
      EXPECT_EQ(page.find(id), std::string::npos) << c.name << ": no ids (" << id << ")";
    }
  }
}

// The model section of examples/balint-survey: a sentence and a forest-plot
// row per odds ratio, the tables, one block per categorical factor.
TEST(Report, ModelSectionHasARowPerOddsRatio) {
  const InstrumentPtr instrument = bundled("who-5");
  const ResponseMatrix wave = survey(*instrument);
  const ReportOptions options = survey_model();
  const auto fitted = model(*instrument, wave, *options.model);
  ASSERT_TRUE(fitted.has_value());
  const auto page = wave_report(*instrument, wave, options);
  ASSERT_TRUE(page.has_value());
  EXPECT_NE(page->find("<section class=\"report-section\" id=\"model\""), std::string::npos);
  EXPECT_NE(page->find("id=\"figure-model-forest\""), std::string::npos);
  const std::size_t terms = fitted->logistic.coefficients.size() - 1;  // without the intercept
  EXPECT_EQ(terms, 7u) << "two duration levels, four yes/no factors, age";
  EXPECT_EQ(count(*page, "class=\"mark odds-ratio\"") + count(*page, "class=\"label beyond\""), terms);
  EXPECT_EQ(count(*page, "class=\"interval odds-interval\""), terms) << "every profile interval drawn";
  EXPECT_EQ(count(*page, "odds-interval wald"), 0u) << "no separation here";
  EXPECT_NE(page->find("duration: 5plus vs lt1"), std::string::npos) << "terms in words";
  EXPECT_NE(page->find("Each 1 more in age multiplies the odds of"), std::string::npos);
  EXPECT_NE(page->find("id=\"table-model-coefficients\""), std::string::npos);
  EXPECT_NE(page->find("id=\"table-model-fit\""), std::string::npos);
  for (const char* factor : {"duration", "obligation", "teaching", "management", "prevention"}) {
    EXPECT_NE(page->find(std::string("id=\"model-association-") + factor + "\""), std::string::npos) << factor;
    EXPECT_NE(page->find(std::string("id=\"table-model-association-") + factor + "\""), std::string::npos) << factor;
  }
  EXPECT_EQ(page->find("p = <"), std::string::npos) << "p < 0.001, not p = < 0.001";
  EXPECT_EQ(count(*page, "<svg "), count(*page, "<title id=")) << "every figure has a title";
  const auto plain = wave_report(*instrument, wave);
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->find("id=\"model\""), std::string::npos) << "no model unless asked";
}

// A factor that splits the outcome (quasi-completely): its odds ratio lies beyond the axis, its
// interval is the Wald one (dashed), and the page says why in plain words.
TEST(Report, SeparatedFactorIsDrawnWithItsWaldInterval) {
  const InstrumentPtr instrument = bundled("who-5");
  std::string csv_text = "id,teaching,duration,1,2,3,4,5\n";
  // Every teacher has the outcome (WHO-5 raw 20), half of the others too.
  for (int i = 0; i < 30; ++i) {
    const bool teaching = i % 2 == 0;
    const bool event = teaching || i % 4 == 1;
    const char* duration = i % 3 == 0 ? "lt1" : i % 3 == 1 ? "1to4" : "5plus";
    csv_text += "r" + std::to_string(i + 1) + "," + (teaching ? "yes" : "no") + "," + duration +
                (event ? ",4,4,4,4,4\n" : ",1,1,1,1,1\n");
  }
  CsvOptions csv;
  csv.source = "separated.csv";
  csv.covariate_columns = {"teaching", "duration"};
  const auto wave = decode_csv_responses(*instrument, csv_text, csv);
  ASSERT_TRUE(wave.has_value());
  ReportOptions options;
  options.model = ModelOptions{.outcome = ModelOutcome::at_least_value("raw", 13),
                               .predictors = {"teaching", "duration"},
                               .reference = {{"duration", "lt1"}, {"teaching", "no"}}};
  const auto fitted = model(*instrument, *wave, *options.model);
  ASSERT_TRUE(fitted.has_value());
  ASSERT_EQ(fitted->logistic.separated_predictors, std::vector<std::string>{"teaching"});
  const auto page = wave_report(*instrument, *wave, options);
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(count(*page, "class=\"interval odds-interval wald\""), 1u) << "teaching: Wald";
  EXPECT_EQ(count(*page, "class=\"interval odds-interval\""), 2u) << "duration: profile";
  EXPECT_NE(page->find("\u25B6"), std::string::npos) << "beyond the axis";
  EXPECT_NE(page->find("teaching separates the respondents with the outcome"), std::string::npos);
  EXPECT_NE(page->find("teaching almost split the respondents with the outcome"), std::string::npos);
  EXPECT_NE(page->find("Wald interval (no profile interval)"), std::string::npos) << "legend";
}

// The controlled section of examples/balint-trial: per subscale the adjusted
// means and both groups' Jacobson-Truax plots side by side.
TEST(Report, ControlledPageHasBothGroupsSideBySide) {
  const InstrumentPtr instrument = mbi();
  const auto page = controlled_report(*instrument, trial(*instrument), waitlist_reference());
  ASSERT_TRUE(page.has_value()) << "controlled report";
  EXPECT_EQ(page->rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page->find("</html>"), std::string::npos) << "complete";
  for (const char* section : {"overview", "scores", "reliability", "controlled"}) {
    EXPECT_NE(page->find(std::string("<section class=\"report-section\" id=\"") + section + "\""), std::string::npos)
        << "section " << section;
  }
  // Scores 3, the alpha overview 1, item analyses 3 before and 3 after, and
  // per subscale the adjusted means and one Jacobson-Truax plot per group.
  const std::size_t figures = 3 + 1 + 6 + 3 * (1 + 2);
  EXPECT_EQ(count(*page, "<svg "), figures) << "figures";
  EXPECT_EQ(count(*page, "<title id="), figures) << "every figure has a title";
  EXPECT_EQ(count(*page, "<desc id="), figures) << "every figure has a description";
  EXPECT_EQ(count(*page, "<div class=\"figure-row\">"), 3u) << "one row of plots per subscale";
  for (const char* subscale : {"EE", "DP", "PA"}) {
    const std::string s(subscale);
    EXPECT_EQ(count(*page, "<svg class=\"figure\" id=\"controlled-means-" + s + "\""), 1u) << s << ": adjusted means";
    EXPECT_EQ(count(*page, "id=\"table-controlled-means-" + s + "\""), 1u) << s << ": their table";
    for (const char* group : {"balint", "waitlist"}) {
      const std::string g(group);
      EXPECT_EQ(count(*page, "<svg class=\"figure\" id=\"controlled-jt-" + s + "-" + g + "\""), 1u)
          << s << ": " << g << "'s plot";
      EXPECT_EQ(count(*page, "id=\"table-controlled-participants-" + s + "-" + g + "\""), 1u)
          << s << ": " << g << "'s participants";
    }
    // The two plots are in the row, one after the other.
    const std::size_t row = page->find("<div class=\"figure-row\">", page->find("id=\"controlled-" + s + "\""));
    ASSERT_NE(row, std::string::npos) << s;
    const std::size_t end =
        page->find("</div>", page->rfind("</figure>", page->find("<div class=\"table-wrap\">", row)));
    const std::string inside = page->substr(row, end - row);
    EXPECT_EQ(count(inside, "<figure id=\"figure-controlled-jt-" + s + "-"), 2u) << s << ": both plots in the row";
  }
  EXPECT_NE(page->find("Adjusted for where they started, the balint group ended 4.4 points lower than the waitlist "
                       "group (95 % CI -8.7 to -0.2, p = 0.040)."),
            std::string::npos)
      << "the ANCOVA in plain words";
  EXPECT_NE(page->find("waitlist 26.0 (95 % CI 22.8 to 29.2); balint 21.6 (95 % CI 18.8 to 24.4)"), std::string::npos)
      << "the adjusted means";
  EXPECT_NE(page->find("Welch&#39;s t test"), std::string::npos) << "the plain comparison of the changes";
  EXPECT_NE(page->find("The groups did not start in the same place"), std::string::npos) << "DP's baseline gap";
  for (const char* id : {">t01<", "t01:", ">w01<", "w01:"}) {
    EXPECT_EQ(page->find(id), std::string::npos) << "no ids (" << id << ")";
  }
  EXPECT_EQ(page->find("<script"), std::string::npos) << "no script";
  EXPECT_EQ(*page, *controlled_report(*instrument, trial(*instrument), waitlist_reference())) << "deterministic";
}

// Three groups, one with markup in its name: the name is text, every group
// gets its plot in the row, and the element ids stay unique.
TEST(Report, ControlledGroupsKeepTheirOwnIds) {
  const InstrumentPtr instrument = mbi();
  std::vector<ControlledGroup> groups = trial(*instrument);
  groups.push_back({"<i>co hort</i>", example_wave(*instrument, "pre.csv"), example_wave(*instrument, "post.csv")});
  const auto page = controlled_report(*instrument, groups, waitlist_reference());
  ASSERT_TRUE(page.has_value()) << "three groups";
  EXPECT_EQ(page->find("<i>"), std::string::npos) << "the group's name is escaped";
  EXPECT_NE(page->find("&lt;i&gt;co hort&lt;/i&gt;"), std::string::npos) << "and kept as text";
  EXPECT_EQ(count(*page, "<figure id=\"figure-controlled-jt-"), 9u) << "3 groups x 3 subscales";
  EXPECT_NE(page->find("Do the groups differ at all"), std::string::npos) << "the F test for three groups";
  EXPECT_EQ(page->find("Welch&#39;s t test"), std::string::npos) << "Welch only for two groups";
  std::vector<std::string> ids;
  for (std::size_t at = page->find(" id=\""); at != std::string::npos; at = page->find(" id=\"", at + 1)) {
    const std::size_t start = at + 5;
    ids.push_back(page->substr(start, page->find('"', start) - start));
  }
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end()) << "unique element ids";
}

TEST(Report, IdsOnlyWhenAsked) {
  const InstrumentPtr instrument = mbi();
  ReportOptions options;
  options.show_ids = true;
  const auto page =
      change_report(*instrument, example_wave(*instrument, "pre.csv"), example_wave(*instrument, "post.csv"), options);
  ASSERT_TRUE(page.has_value()) << "show_ids";
  EXPECT_NE(page->find("b01: before 27.0, after 22.0"), std::string::npos) << "b01's mark names it";
  EXPECT_NE(page->find("<td>b01</td>"), std::string::npos) << "b01's row names it";
}

// The change section names the reliable-change method; only Jacobson-Truax,
// whose reach is the same for everyone, draws the band of no reliable change.
TEST(Report, TheReliableChangeMethodIsNamed) {
  const InstrumentPtr instrument = mbi();
  const ResponseMatrix pre = example_wave(*instrument, "pre.csv");
  const ResponseMatrix post = example_wave(*instrument, "post.csv");
  const auto jt = change_report(*instrument, pre, post);
  ASSERT_TRUE(jt.has_value());
  EXPECT_NE(jt->find("Reliable change (Jacobson &amp; Truax)"), std::string::npos);
  EXPECT_EQ(count(*jt, "class=\"area rci-band\""), 3u) << "one band per subscale";
  ReportOptions options;
  options.change.rci_method = RciMethod::hll;
  const auto hll = change_report(*instrument, pre, post, options);
  ASSERT_TRUE(hll.has_value());
  EXPECT_NE(hll->find("Reliable change (Hsu, Lin &amp; Lord)"), std::string::npos);
  EXPECT_EQ(hll->find("Jacobson &amp; Truax"), std::string::npos);
  EXPECT_EQ(count(*hll, "rci-band"), 0u) << "no band of constant width";
}

TEST(Report, SameInputSameBytes) {
  const InstrumentPtr instrument = mbi();
  const ResponseMatrix pre = example_wave(*instrument, "pre.csv");
  const ResponseMatrix post = example_wave(*instrument, "post.csv");
  EXPECT_EQ(*change_report(*instrument, pre, post), *change_report(*instrument, pre, post)) << "deterministic";
}

TEST(Report, EscapesTextFromTheInput) {
  const std::string definition = R"({"id": "x-y", "version": "1.0.0", "name": "<script>alert(1)</script> & co",
    "scale": {"min": 1, "max": 5, "step": 1},
    "items": [{"id": "1"}, {"id": "2"}, {"id": "3"}],
    "subscales": [{"id": "total", "name": "Tot<b>al</b>", "items": ["1", "2", "3"], "method": "mean",
                   "bands": [{"label": "<i>low</i>", "max": 3}, {"label": "high\"", "min": 3.01}]}]})";
  auto instrument = parse_instrument(definition);
  ASSERT_TRUE(instrument.has_value()) << "definition: "
                                      << (instrument ? std::string() : describe(instrument.error().problems.at(0)));
  const std::string csv =
      "id,group,1,2,3\nr1,<img src=x>,1,2,2\nr2,<img src=x>,2,2,3\nr3,<img src=x>,3,3,4\n"
      "r4,\"a\"\"b\",4,4,5\nr5,\"a\"\"b\",5,4,4\nr6,\"a\"\"b\",2,3,3\n";
  CsvOptions options;
  options.group_column = "group";
  auto wave = decode_csv_responses(**instrument, csv, options);
  ASSERT_TRUE(wave.has_value()) << "wave";
  const auto page = compare_report(**instrument, *wave);
  ASSERT_TRUE(page.has_value()) << "report";
  EXPECT_EQ(page->find("<script"), std::string::npos) << "instrument name";
  EXPECT_EQ(page->find("<b>"), std::string::npos) << "subscale name";
  EXPECT_EQ(page->find("<i>"), std::string::npos) << "band label";
  EXPECT_EQ(page->find("<img"), std::string::npos) << "group name";
  EXPECT_NE(page->find("&lt;img src=x&gt;"), std::string::npos) << "group name kept as text";
}

TEST(Report, BadInputGivesTheAnalysisProblems) {
  const InstrumentPtr instrument = mbi();
  const ResponseMatrix pre = example_wave(*instrument, "pre.csv");
  const ResponseMatrix post = example_wave(*instrument, "post.csv");
  ResponseMatrix one = pre;
  one.ids.resize(1);
  one.answers.resize(one.item_count);
  one.errors.resize(1);

  ReportOptions options;
  options.change.ci_level = 1.5;
  options.change.subscales = {"EE", "nope"};
  expect_same_error(change_report(*instrument, pre, post, options).error(),
                    change(*instrument, pre, post, options.change).error(), "change options");
  expect_same_error(change_report(*instrument, one, post).error(), change(*instrument, one, post).error(),
                    "one matched pair");

  ReportOptions reliability_options;
  reliability_options.reliability.subscales = {"XX"};
  expect_same_error(wave_report(*instrument, pre, reliability_options).error(),
                    reliability(*instrument, pre, reliability_options.reliability).error(), "unknown subscale");
  expect_same_error(wave_report(*instrument, one).error(), reliability(*instrument, one).error(), "one respondent");

  expect_same_error(compare_report(*instrument, pre).error(), compare(*instrument, pre).error(), "no group column");
  const std::vector<std::pair<std::string, ResponseMatrix>> single = {{"only", pre}};
  expect_same_error(compare_report(*instrument, single).error(), compare(*instrument, single).error(), "one group");

  const std::vector<ControlledGroup> groups = trial(*instrument);
  const std::vector<ControlledGroup> one_arm = {groups[0]};
  expect_same_error(controlled_report(*instrument, one_arm).error(), controlled(*instrument, one_arm).error(),
                    "one arm");
  std::vector<ControlledGroup> twice = groups;
  twice[1].name = "balint";
  expect_same_error(controlled_report(*instrument, twice).error(), controlled(*instrument, twice).error(),
                    "a name twice");
  ReportOptions controlled_options;
  controlled_options.controlled.reference = "nobody";
  controlled_options.controlled.ci_level = 1.5;
  controlled_options.controlled.subscales = {"EE", "nope"};
  expect_same_error(controlled_report(*instrument, groups, controlled_options).error(),
                    controlled(*instrument, groups, controlled_options.controlled).error(), "controlled options");

  const InstrumentPtr who = bundled("who-5");
  const ResponseMatrix cohort = survey(*who);
  ReportOptions model_options = survey_model();
  model_options.model->predictors = {"duration", "nope"};
  model_options.model->reference = {{"duration", "never"}};
  expect_same_error(wave_report(*who, cohort, model_options).error(), model(*who, cohort, *model_options.model).error(),
                    "model options");
  model_options.model->predictors = {"teaching"};
  model_options.model->reference = {};
  model_options.model->outcome = ModelOutcome::at_least_value("raw", 100);
  expect_same_error(wave_report(*who, cohort, model_options).error(), model(*who, cohort, *model_options.model).error(),
                    "one outcome class");
}

TEST(Report, LargeCohortsAreBinned) {
  const InstrumentPtr instrument = mbi();
  // 3,000 synthetic pairs: beyond the 2,000 points a scatter shows one by one.
  std::mt19937 random(7);
  std::normal_distribution<double> latent(3, 1);
  std::normal_distribution<double> noise(0, 0.8);
  ResponseMatrix pre;
  pre.item_count = instrument->items.size();
  ResponseMatrix post = pre;
  const auto answer = [&](double level) { return std::clamp(std::round(level + noise(random)), 0.0, 6.0); };
  for (std::size_t r = 0; r < 3000; ++r) {
    const std::string id = "p" + std::to_string(r);
    const double level = latent(random);
    pre.ids.push_back(id);
    post.ids.push_back(id);
    for (std::size_t i = 0; i < pre.item_count; ++i) {
      pre.answers.push_back(answer(level));
      post.answers.push_back(answer(level - 0.3));
    }
    pre.errors.emplace_back();
    post.errors.emplace_back();
  }
  const auto page = change_report(*instrument, pre, post);
  ASSERT_TRUE(page.has_value()) << "3,000 pairs";

  EXPECT_GT(count(*page, "class=\"density-cell\""), 0u) << "binned";
  EXPECT_NE(page->find("how many fall in each small square"), std::string::npos) << "the caption says so";
  EXPECT_EQ(page->find("table-change-participants"), std::string::npos) << "no 3,000-row table";
  for (const char* category : {"improved", "unchanged", "deteriorated"}) {
    EXPECT_EQ(count(*page, std::string("class=\"mark ") + category), 0u) << "no participant marks: " << category;
  }
}

}  // namespace
}  // namespace psyscore
