// psyscore reliability, change and compare as a user runs them: the output
// is the engine's result for the same input (and so the HTTP body), bad
// input exits 1 naming the file, bad usage exits 2.

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "fixtures.hpp"
#include "psyscore/change.hpp"
#include "psyscore/compare.hpp"
#include "psyscore/controlled.hpp"
#include "psyscore/json.hpp"
#include "psyscore/reliability.hpp"
#include "psyscore/report.hpp"
#include "psyscore/tables.hpp"
#include "run_process.hpp"

namespace psyscore::test {
namespace {

std::string example(const std::string& name) { return (source_dir() / "examples" / "balint-cohort" / name).string(); }

std::string trial(const std::string& name) { return (source_dir() / "examples" / "balint-trial" / name).string(); }

InstrumentPtr mbi_hss() { return *load_instrument_file(source_dir() / "instruments" / "mbi-hss.json"); }

ResponseMatrix wave(const std::string& path, const std::string& group_column = {}) {
  CsvOptions options;
  options.source = path;
  options.group_column = group_column;
  auto decoded = decode_csv_responses(*mbi_hss(), read_text(path), options);
  EXPECT_TRUE(decoded) << path;
  return *decoded;
}

TEST(AnalysisCli, ReliabilityPrintsTheEngineResult) {
  const auto result =
      run_psyscore({"reliability", "-i", "mbi-hss", example("cohort.csv"), "--bootstrap", "200", "--seed", "7"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  ReliabilityOptions options;
  options.bootstrap = BootstrapOptions{200, 7};
  // Read as the command reads it: "years" is an ignored column, and says so.
  auto report = reliability(*mbi_hss(), wave(example("cohort.csv")), options);
  ASSERT_TRUE(report);
  EXPECT_EQ(result.out, encode_reliability_result(*mbi_hss(), *report));
  const auto body = boost::json::parse(result.out);
  EXPECT_EQ(body.at("subscales").as_array().size(), 3u);
  EXPECT_EQ(body.at("subscales").at(0).at("bootstrap").at("iterations").as_int64(), 200);
}

TEST(AnalysisCli, ChangePrintsTheEngineResult) {
  const auto result =
      run_psyscore({"change", "-i", "mbi-hss", "--pre", example("pre.csv"), "--post", example("post.csv")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto report = change(*mbi_hss(), wave(example("pre.csv")), wave(example("post.csv")), {});
  ASSERT_TRUE(report);
  EXPECT_EQ(result.out, encode_change_result(*mbi_hss(), *report));
  const auto body = boost::json::parse(result.out);
  EXPECT_EQ(body.at("subscales").at(0).at("n_pairs").as_int64(), 12);
}

TEST(AnalysisCli, CompareReadsTheGroupColumn) {
  const auto result = run_psyscore({"compare", "-i", "mbi-hss", "--group-column", "years", example("cohort.csv")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto report = compare(*mbi_hss(), wave(example("cohort.csv"), "years"), {});
  ASSERT_TRUE(report);
  EXPECT_EQ(result.out, encode_compare_result(*mbi_hss(), *report));
}

// --group-covariate: the groups are the levels of a covariate, of a JSON
// file's respondents or of a CSV column; either way the result of the same
// groups read with --group-column.
TEST(AnalysisCli, CompareGroupsByACovariate) {
  const auto by_column = run_psyscore({"compare", "-i", "mbi-hss", "--group-column", "years", example("cohort.csv")});
  ASSERT_EQ(by_column.exit_code, 0) << by_column.err;

  const ResponseMatrix cohort = wave(example("cohort.csv"), "years");
  std::string json = R"({"responses": [)";
  for (std::size_t r = 0; r < cohort.respondent_count(); ++r) {
    json += (r ? ", " : "") + (R"({"id": ")" + cohort.ids[r] + R"(", "answers": {)");
    const InstrumentPtr instrument = mbi_hss();
    for (std::size_t i = 0; i < cohort.item_count; ++i) {
      if (is_missing(cohort.at(r, i))) continue;
      json += (json.ends_with("{") ? "\"" : ", \"") + instrument->items[i].id +
              "\": " + std::to_string(static_cast<int>(cohort.at(r, i)));
    }
    json += R"(}, "covariates": {"years": ")" + cohort.groups[r] + R"(", "age": )" + std::to_string(30 + r) + "}}";
  }
  json += "]}";
  const auto from_json = run_psyscore({"compare", "-i", "mbi-hss", "--group-covariate", "years", "-"}, json);
  ASSERT_EQ(from_json.exit_code, 0) << from_json.err;
  EXPECT_EQ(from_json.out, by_column.out);

  const auto from_csv = run_psyscore({"compare", "-i", "mbi-hss", "--group-covariate", "years", example("cohort.csv")});
  ASSERT_EQ(from_csv.exit_code, 0) << from_csv.err;
  EXPECT_EQ(from_csv.out, by_column.out);

  const auto numeric = run_psyscore({"compare", "-i", "mbi-hss", "--group-covariate", "age", "-"}, json);
  EXPECT_EQ(numeric.exit_code, 1) << numeric.err;
  EXPECT_NE(numeric.err.find("/group_covariate"), std::string::npos) << numeric.err;
  EXPECT_NE(numeric.err.find("is numeric"), std::string::npos) << numeric.err;
}

// --items on the survey example: the engine's result with items asked for.
TEST(AnalysisCli, ItemsFlagAsksForEveryStatement) {
  const std::string survey = (source_dir() / "examples" / "balint-survey-items" / "survey.csv").string();
  const InstrumentPtr balint = *load_instrument_file(source_dir() / "instruments" / "balint-attitudes.json");
  CsvOptions csv;
  csv.source = survey;
  csv.group_column = "years";
  const auto grouped = decode_csv_responses(*balint, read_text(survey), csv);
  ASSERT_TRUE(grouped);

  const auto compared =
      run_psyscore({"compare", "-i", "balint-attitudes", "--group-column", "years", "--items", survey});
  ASSERT_EQ(compared.exit_code, 0) << compared.err;
  CompareOptions compare_options;
  compare_options.items = true;
  const auto comparison = compare(*balint, *grouped, compare_options);
  ASSERT_TRUE(comparison);
  EXPECT_EQ(compared.out, encode_compare_result(*balint, *comparison));
  EXPECT_EQ(boost::json::parse(compared.out).at("subscales").at(0).at("items").as_array().size(), 6u);

  const auto described = run_psyscore({"reliability", "-i", "balint-attitudes", "--items", survey});
  ASSERT_EQ(described.exit_code, 0) << described.err;
  csv.group_column.clear();
  ReliabilityOptions reliability_options;
  reliability_options.items = true;
  const auto pooled = reliability(*balint, *decode_csv_responses(*balint, read_text(survey), csv), reliability_options);
  ASSERT_TRUE(pooled);
  EXPECT_EQ(described.out, encode_reliability_result(*balint, *pooled));
  EXPECT_EQ(boost::json::parse(described.out).at("subscales").at(0).at("item_answers").as_array().size(), 6u);
}

TEST(AnalysisCli, ControlledPrintsTheEngineResult) {
  const auto result = run_psyscore({"controlled", "-i", "mbi-hss", "--group",
                                    "balint=" + trial("balint_pre.csv") + "," + trial("balint_post.csv"), "--group",
                                    "waitlist=" + trial("waitlist_pre.csv") + "," + trial("waitlist_post.csv"),
                                    "--reference", "waitlist", "--rci-method", "en"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::vector<ControlledGroup> groups;
  groups.push_back({"balint", wave(trial("balint_pre.csv")), wave(trial("balint_post.csv"))});
  groups.push_back({"waitlist", wave(trial("waitlist_pre.csv")), wave(trial("waitlist_post.csv"))});
  ControlledOptions options;
  options.reference = "waitlist";
  options.rci_method = RciMethod::en;
  auto report = controlled(*mbi_hss(), groups, options);
  ASSERT_TRUE(report);
  EXPECT_EQ(result.out, encode_controlled_result(*mbi_hss(), *report));
}

TEST(AnalysisCli, ControlledReportIsTheEnginePage) {
  const auto result = run_psyscore({"report", "-i", "mbi-hss", "--group",
                                    "balint=" + trial("balint_pre.csv") + "," + trial("balint_post.csv"), "--group",
                                    "waitlist=" + trial("waitlist_pre.csv") + "," + trial("waitlist_post.csv"),
                                    "--reference", "waitlist", "--subscale", "EE"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::vector<ControlledGroup> groups;
  groups.push_back({"balint", wave(trial("balint_pre.csv")), wave(trial("balint_post.csv"))});
  groups.push_back({"waitlist", wave(trial("waitlist_pre.csv")), wave(trial("waitlist_post.csv"))});
  ReportOptions options;
  options.controlled.reference = "waitlist";
  options.controlled.subscales = {"EE"};
  options.reliability.subscales = {"EE"};
  auto page = controlled_report(*mbi_hss(), groups, options);
  ASSERT_TRUE(page);
  EXPECT_EQ(result.out, *page);
}

TEST(AnalysisCli, ChangeTakesEveryRciMethod) {
  for (const std::string method : {"jt", "gln", "hll", "en", "ha"}) {
    const auto result = run_psyscore({"change", "-i", "mbi-hss", "--pre", example("pre.csv"), "--post",
                                      example("post.csv"), "--rci-method", method, "--rci-reliability", "published"});
    ASSERT_EQ(result.exit_code, 0) << method << ": " << result.err;
    const auto body = boost::json::parse(result.out);
    EXPECT_EQ(body.at("subscales").at(0).at("rci").at("method").as_string(), method) << method;
  }
  const auto nk = run_psyscore({"change", "-i", "mbi-hss", "--pre", example("pre.csv"), "--post", example("post.csv"),
                                "--rci-method", "nk", "--rci-reliability", "published", "--reliability-post",
                                "EE=0.85,DP=0.7,PA=0.75"});
  ASSERT_EQ(nk.exit_code, 0) << nk.err;
  EXPECT_EQ(boost::json::parse(nk.out).at("subscales").at(0).at("rci").at("reliability_post").as_double(), 0.85);
}

TEST(AnalysisCli, BadInputExitsOneAndUsageErrorsTwo) {
  struct Case {
    const char* name;
    std::vector<std::string> arguments;
    std::string input;
    int exit_code;
    const char* message;
  };
  const Case cases[] = {
      {"reliability of one respondent",
       {"reliability", "-i", "gad-7", "-"},
       "id,1,2,3,4,5,6,7\na,1,1,1,1,1,1,1\n",
       1,
       "respondent"},
      {"unknown subscale", {"reliability", "-i", "mbi-hss", "--subscale", "XX", example("cohort.csv")}, "", 1, "XX"},
      {"ragged CSV", {"reliability", "-i", "gad-7", "-"}, "id,1,2\na,1\n", 1, "<stdin>:2:"},
      {"seed without bootstrap", {"reliability", "-i", "gad-7", "--seed", "3", "-"}, "", 2, "bootstrap"},
      {"ci level 1", {"reliability", "-i", "gad-7", "--ci-level", "1", "-"}, "", 2, "ci-level"},
      {"change without post", {"change", "-i", "mbi-hss", "--pre", example("pre.csv")}, "", 2, "post"},
      {"change with a missing file",
       {"change", "-i", "mbi-hss", "--pre", example("pre.csv"), "--post", "no-such-post.csv"},
       "",
       1,
       "no-such-post.csv"},
      {"change with a reliability of 1.5",
       {"change", "-i", "mbi-hss", "--pre", example("pre.csv"), "--post", example("post.csv"), "--rci-reliability",
        "1.5"},
       "",
       1,
       "/rci_reliability/EE: the reliability of subscale \"EE\" must be between 0 and 1"},
      {"change with a reliability that is not one",
       {"change", "-i", "mbi-hss", "--pre", example("pre.csv"), "--post", example("post.csv"), "--rci-reliability",
        "often"},
       "",
       2,
       "rci-reliability"},
      {"compare without group column", {"compare", "-i", "mbi-hss", example("cohort.csv")}, "", 2, "group-column"},
      {"compare with a group column and a group covariate",
       {"compare", "-i", "mbi-hss", "--group-column", "years", "--group-covariate", "years", example("cohort.csv")},
       "",
       2,
       "group-covariate"},
      {"compare with an unknown group covariate",
       {"compare", "-i", "mbi-hss", "--group-covariate", "cohort", example("cohort.csv")},
       "",
       1,
       "no covariate column \"cohort\""},
      {"change with an unknown rci method",
       {"change", "-i", "mbi-hss", "--pre", example("pre.csv"), "--post", example("post.csv"), "--rci-method", "hlm"},
       "",
       2,
       "rci-method"},
      {"change nk without reliability post",
       {"change", "-i", "mbi-hss", "--pre", example("pre.csv"), "--post", example("post.csv"), "--rci-method", "nk"},
       "",
       1,
       "/reliability_post"},
      {"controlled with one group",
       {"controlled", "-i", "mbi-hss", "--group", "balint=" + trial("balint_pre.csv") + "," + trial("balint_post.csv")},
       "",
       1,
       "/groups: a controlled design needs at least 2 groups"},
      {"controlled with a malformed group",
       {"controlled", "-i", "mbi-hss", "--group", "balint=" + trial("balint_pre.csv")},
       "",
       2,
       "NAME=PRE.csv,POST.csv"},
      {"controlled with an unknown reference",
       {"controlled", "-i", "mbi-hss", "--group", "balint=" + trial("balint_pre.csv") + "," + trial("balint_post.csv"),
        "--group", "waitlist=" + trial("waitlist_pre.csv") + "," + trial("waitlist_post.csv"), "--reference",
        "placebo"},
       "",
       1,
       "/options/reference"},
      {"controlled report with a malformed group",
       {"report", "-i", "mbi-hss", "--group", "balint=" + trial("balint_pre.csv")},
       "",
       2,
       "NAME=PRE.csv,POST.csv"},
      {"controlled report with --pre",
       {"report", "-i", "mbi-hss", "--group", "balint=" + trial("balint_pre.csv") + "," + trial("balint_post.csv"),
        "--pre", trial("balint_pre.csv")},
       "",
       2,
       "--group goes alone"},
      {"report --reference without --group",
       {"report", "-i", "mbi-hss", "--reference", "waitlist", example("pre.csv")},
       "",
       2,
       "--reference go with --outcome (or --reference with --group)"},
      {"report --predictor without --outcome",
       {"report", "-i", "mbi-hss", "--predictor", "years", example("pre.csv")},
       "",
       2,
       "go with --outcome"},
      {"report --outcome with --pre and --post",
       {"report", "-i", "mbi-hss", "--outcome", "EE>=27", "--predictor", "years", "--pre", example("pre.csv"), "--post",
        example("post.csv")},
       "",
       2,
       "--outcome goes with one wave"},
      {"controlled report with two references",
       {"report", "-i", "mbi-hss", "--group", "balint=" + trial("balint_pre.csv") + "," + trial("balint_post.csv"),
        "--group", "waitlist=" + trial("waitlist_pre.csv") + "," + trial("waitlist_post.csv"), "--reference",
        "waitlist", "--reference", "balint"},
       "",
       2,
       "--group takes one --reference"},
      {"report --outcome that does not parse",
       {"report", "-i", "mbi-hss", "--outcome", "EE>=lots", "--predictor", "years", example("cohort.csv")},
       "",
       2,
       "--outcome:"},
      {"report --outcome with a reference level that does not occur",
       {"report", "-i", "mbi-hss", "--outcome", "EE>=27", "--predictor", "years", "--reference", "years=ten",
        example("cohort.csv")},
       "",
       1,
       "/options/reference/years"},
      {"controlled report with an unknown reference",
       {"report", "-i", "mbi-hss", "--group", "balint=" + trial("balint_pre.csv") + "," + trial("balint_post.csv"),
        "--group", "waitlist=" + trial("waitlist_pre.csv") + "," + trial("waitlist_post.csv"), "--reference",
        "placebo"},
       "",
       1,
       "/options/reference"},
      {"compare with an unknown group column",
       {"compare", "-i", "mbi-hss", "--group-column", "cohort", example("cohort.csv")},
       "",
       1,
       "no group column \"cohort\""},
  };
  for (const auto& c : cases) {
    const auto result = run_psyscore(c.arguments, c.input);
    EXPECT_EQ(result.exit_code, c.exit_code) << c.name << ": " << result.err;
    EXPECT_NE(result.err.find(c.message), std::string::npos) << c.name << ": " << result.err;
    EXPECT_TRUE(result.out.empty()) << c.name << ": " << result.out;
  }
}

// --format table and csv: the engine's tables for the same input.
TEST(AnalysisCli, TablesAndCsvAreTheEngineTables) {
  const auto instrument = mbi_hss();
  const auto pre = wave(example("pre.csv"));
  const auto post = wave(example("post.csv"));
  const auto cohort = wave(example("cohort.csv"), "years");
  const auto changed = change(*instrument, pre, post, {});
  const auto compared = compare(*instrument, cohort, {});
  const auto reliable = reliability(*instrument, wave(example("cohort.csv")), {});
  ASSERT_TRUE(changed && compared && reliable);
  struct Case {
    const char* name;
    std::vector<std::string> arguments;
    std::string expected;
    std::size_t lines;  // csv: header + rows; table: 0 (not counted)
  };
  const std::vector<Case> cases = {
      {"change table",
       {"change", "-i", "mbi-hss", "--pre", example("pre.csv"), "--post", example("post.csv"), "--format", "table"},
       change_table(*instrument, *changed),
       0},
      {"change csv",
       {"change", "-i", "mbi-hss", "--pre", example("pre.csv"), "--post", example("post.csv"), "--format", "csv"},
       change_csv(*instrument, *changed),
       1 + 3 * 12},
      {"compare table",
       {"compare", "-i", "mbi-hss", "--group-column", "years", example("cohort.csv"), "--format", "table"},
       compare_table(*instrument, *compared),
       0},
      {"compare csv",
       {"compare", "-i", "mbi-hss", "--group-column", "years", example("cohort.csv"), "--format", "csv"},
       compare_csv(*instrument, *compared),
       1 + 3 * 3},
      {"reliability table",
       {"reliability", "-i", "mbi-hss", example("cohort.csv"), "--format", "table"},
       reliability_table(*instrument, *reliable),
       0},
      {"reliability csv",
       {"reliability", "-i", "mbi-hss", example("cohort.csv"), "--format", "csv"},
       reliability_csv(*instrument, *reliable),
       1 + 22},
  };
  for (const Case& c : cases) {
    const auto result = run_psyscore(c.arguments);
    ASSERT_EQ(result.exit_code, 0) << c.name << ": " << result.err;
    EXPECT_EQ(result.out, c.expected) << c.name;
    if (c.lines > 0) {
      EXPECT_EQ(static_cast<std::size_t>(std::count(result.out.begin(), result.out.end(), '\n')), c.lines) << c.name;
    }
  }
  // The report's rounding: EE fell by 5.9 (JSON: -5.885416...), p = 0.010.
  const std::string table = change_table(*instrument, *changed);
  EXPECT_NE(table.find("-5.9"), std::string::npos) << "change table rounds as the report";
  EXPECT_NE(table.find("0.010"), std::string::npos) << "p with 3 decimals";
  EXPECT_NE(change_csv(*instrument, *changed).find("EE,b01,27,22,-5,"), std::string::npos) << "csv in full";
  EXPECT_EQ(run_psyscore({"change", "-i", "mbi-hss", "--pre", example("pre.csv"), "--post", example("post.csv"),
                          "--format", "xml"})
                .exit_code,
            2)
      << "unknown format";
}

}  // namespace
}  // namespace psyscore::test
