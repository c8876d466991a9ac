#include "scoring/stats/reliable_change.hpp"

#include <array>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "fixtures.hpp"

namespace psyscore::detail {
namespace {

using test::number;
using test::number_at;

// Closed-form formulas: 1e-9 relative.
constexpr double kRelative = 1e-9;

::testing::AssertionResult near(double actual, std::optional<double> expected) {
  return test::near_fraction(actual, expected, kRelative);
}

constexpr std::array kDataSets = {"claus_2020", "jacobson_1989_das", "jacobson_1989_gds", "hechler_2014"};
constexpr std::array kMethods = {RciMethod::jt, RciMethod::gln, RciMethod::hll,
                                 RciMethod::en, RciMethod::nk,  RciMethod::ha};
constexpr std::array kCutoffs = {CutoffType::a, CutoffType::b, CutoffType::c};

std::vector<double> numbers(const boost::json::value& array) {
  std::vector<double> out;
  for (const auto& v : array.as_array()) out.push_back(number(v).value());
  return out;
}

std::string name_of(ReliableDirection direction) {
  switch (direction) {
    case ReliableDirection::improved: return "improved";
    case ReliableDirection::unchanged: return "unchanged";
    case ReliableDirection::deteriorated: return "deteriorated";
  }
  return "";
}

std::string name_of(ClinicalOutcome outcome) {
  switch (outcome) {
    case ClinicalOutcome::recovered: return "recovered";
    case ClinicalOutcome::improved: return "improved";
    case ClinicalOutcome::unchanged: return "unchanged";
    case ClinicalOutcome::deteriorated: return "deteriorated";
    case ClinicalOutcome::harmed: return "harmed";
  }
  return "";
}

std::size_t count_at(const boost::json::value& counts, const char* key) {
  return static_cast<std::size_t>(counts.as_object().at(key).as_int64());
}

RciParameters parameters_of(const boost::json::value& fixture, const boost::json::value& method) {
  RciParameters parameters;
  parameters.reliability = number_at(fixture, "reliability").value();
  parameters.reliability_post = number_at(fixture, "reliability_post").value();
  parameters.criterion = number_at(method, "criterion").value();
  parameters.higher_is_better = fixture.as_object().at("direction").as_int64() == 1;
  return parameters;
}

TEST(ReliableChange, EveryMethodMatchesThePackagesFormulas) {
  for (const std::string data_set : kDataSets) {
    const auto fixture = test::read_json(test::data_dir() / "rci" / (data_set + ".json"));
    const std::vector<double> pre = numbers(fixture.as_object().at("pre"));
    const std::vector<double> post = numbers(fixture.as_object().at("post"));
    for (const RciMethod method : kMethods) {
      const std::string label = data_set + " " + std::string(to_string(method));
      const auto& expected = fixture.as_object().at("methods").as_object().at(to_string(method));
      const RciParameters parameters = parameters_of(fixture, expected);
      const RciComputation result = reliable_change(method, pre, post, parameters);

      EXPECT_TRUE(near(result.standard_error, number_at(expected, "standard_error"))) << label;
      EXPECT_TRUE(near(result.r_dd, number_at(expected, "r_dd"))) << label << " r_dd";
      EXPECT_TRUE(near(result.mean_pre, number_at(fixture.as_object().at("clinical"), "mean"))) << label;
      EXPECT_TRUE(near(result.sd_pre, number_at(fixture.as_object().at("clinical"), "sd"))) << label;
      EXPECT_TRUE(near(result.r_pre_post, number_at(fixture, "r_pre_post"))) << label;
      const auto& rci = expected.as_object().at("rci").as_array();
      const auto& category = expected.as_object().at("category").as_array();
      ASSERT_EQ(result.rci.size(), rci.size()) << label;
      for (std::size_t i = 0; i < rci.size(); ++i) {
        EXPECT_TRUE(near(result.rci[i], number(rci[i]))) << label << " participant " << i;
        EXPECT_EQ(name_of(result.direction[i]), category[i].as_string()) << label << " participant " << i;
      }
      const auto& counts = expected.as_object().at("counts");
      EXPECT_EQ(result.improved, count_at(counts, "improved")) << label;
      EXPECT_EQ(result.unchanged, count_at(counts, "unchanged")) << label;
      EXPECT_EQ(result.deteriorated, count_at(counts, "deteriorated")) << label;

      for (std::size_t c = 0; c < kCutoffs.size(); ++c) {
        const auto& clinical = expected.as_object().at("clinical").as_array()[c];
        const std::string cut_label = label + " cut-off " + std::string(clinical.as_object().at("type").as_string());
        CutoffParameters cutoff;
        cutoff.type = kCutoffs[c];
        cutoff.sd_multiplier = number_at(fixture, "sd_multiplier").value();
        cutoff.functional_mean = number_at(fixture.as_object().at("functional"), "mean").value();
        cutoff.functional_sd = number_at(fixture.as_object().at("functional"), "sd").value();
        const ClinicalComputation outcome = clinical_significance(method, result, pre, post, parameters, cutoff);
        EXPECT_TRUE(near(outcome.cutoff, number_at(clinical, "cutoff"))) << cut_label;
        const auto& clinical_pre = clinical.as_object().at("clinical_pre").as_array();
        const auto& functional_post = clinical.as_object().at("functional_post").as_array();
        const auto& categories = clinical.as_object().at("category").as_array();
        for (std::size_t i = 0; i < clinical_pre.size(); ++i) {
          EXPECT_EQ(outcome.clinical_pre[i], clinical_pre[i].as_bool()) << cut_label << " participant " << i;
          EXPECT_EQ(outcome.functional_post[i], functional_post[i].as_bool()) << cut_label << " participant " << i;
          EXPECT_EQ(name_of(outcome.outcome[i]), categories[i].as_string()) << cut_label << " participant " << i;
        }
        if (method == RciMethod::ha) {
          const auto cs_indiv = numbers(clinical.as_object().at("cs_indiv"));
          ASSERT_EQ(outcome.cs_indiv.size(), cs_indiv.size()) << cut_label;
          for (std::size_t i = 0; i < cs_indiv.size(); ++i) {
            EXPECT_TRUE(near(outcome.cs_indiv[i], cs_indiv[i])) << cut_label << " cs_indiv " << i;
          }
          for (const char* key : {"reliability_clinical", "reliability_functional", "reliability_post", "group_changed",
                                  "group_functional"}) {
            const double actual = std::string(key) == "reliability_clinical"     ? outcome.reliability_clinical
                                  : std::string(key) == "reliability_functional" ? outcome.reliability_functional
                                  : std::string(key) == "reliability_post"       ? outcome.reliability_post
                                  : std::string(key) == "group_changed"          ? outcome.group_changed
                                                                                 : outcome.group_functional;
            EXPECT_TRUE(near(actual, number_at(clinical, key))) << cut_label << " " << key;
          }
        } else {
          EXPECT_TRUE(outcome.cs_indiv.empty()) << cut_label;
        }
        const auto& expected_counts = clinical.as_object().at("counts");
        EXPECT_EQ(outcome.recovered, count_at(expected_counts, "recovered")) << cut_label;
        EXPECT_EQ(outcome.improved, count_at(expected_counts, "improved")) << cut_label;
        EXPECT_EQ(outcome.unchanged, count_at(expected_counts, "unchanged")) << cut_label;
        EXPECT_EQ(outcome.deteriorated, count_at(expected_counts, "deteriorated")) << cut_label;
        EXPECT_EQ(outcome.harmed, count_at(expected_counts, "harmed")) << cut_label;
      }
    }
  }
}

// The published test snapshots of clinicalsignificance 2.1.0 on claus_2020
// (HAM-D, measurements 1 and 4, reliability 0.80, NK post reliability 0.50,
// functional mean 8 and SD 8, cut-off c), typed in from the package so that
// they hold whatever the fixture script writes. The criterion is psyscore's
// default (1.96; HA one-sided 1.645 = qnorm(0.95)), which gives the package's
// counts on these data.
TEST(ReliableChange, ClausTwentyTwentyGivesThePackagesSnapshotCounts) {
  struct Snapshot {
    RciMethod method;
    std::array<std::size_t, 3> distribution;  // improved, unchanged, deteriorated
    std::array<std::size_t, 5> combined;      // recovered, improved, unchanged, deteriorated, harmed
  };
  const std::array<Snapshot, 6> snapshots = {{
      {RciMethod::jt, {29, 10, 1}, {26, 3, 10, 1, 0}},
      {RciMethod::gln, {29, 10, 1}, {26, 3, 10, 1, 0}},
      {RciMethod::hll, {12, 16, 12}, {12, 0, 16, 11, 1}},
      {RciMethod::en, {32, 5, 3}, {26, 6, 5, 3, 0}},
      {RciMethod::nk, {28, 11, 1}, {26, 2, 11, 1, 0}},
      {RciMethod::ha, {32, 7, 1}, {23, 9, 7, 1, 0}},
  }};
  const auto fixture = test::read_json(test::data_dir() / "rci" / "claus_2020.json");
  const std::vector<double> pre = numbers(fixture.as_object().at("pre"));
  const std::vector<double> post = numbers(fixture.as_object().at("post"));
  ASSERT_EQ(pre.size(), 40u);
  for (const Snapshot& snapshot : snapshots) {
    const std::string label(to_string(snapshot.method));
    RciParameters parameters;
    parameters.reliability = 0.80;
    parameters.reliability_post = 0.50;
    parameters.criterion = snapshot.method == RciMethod::ha ? 1.6448536269514722 : 1.96;
    parameters.higher_is_better = false;
    const RciComputation rci = reliable_change(snapshot.method, pre, post, parameters);
    EXPECT_EQ((std::array{rci.improved, rci.unchanged, rci.deteriorated}), snapshot.distribution) << label;
    const ClinicalComputation clinical =
        clinical_significance(snapshot.method, rci, pre, post, parameters,
                              {.type = CutoffType::c, .sd_multiplier = 2, .functional_mean = 8, .functional_sd = 8});
    EXPECT_EQ(
        (std::array{clinical.recovered, clinical.improved, clinical.unchanged, clinical.deteriorated, clinical.harmed}),
        snapshot.combined)
        << label;
  }
}

TEST(ReliableChange, UndefinedDenominatorLeavesEveryoneUnchanged) {
  const std::vector<double> pre = {10, 10, 10, 10};
  const std::vector<double> post = {8, 12, 9, 15};
  for (const RciMethod method : kMethods) {
    const RciComputation result =
        reliable_change(method, pre, post, {.reliability = 0.8, .reliability_post = 0.7, .criterion = 1.96});
    EXPECT_TRUE(std::isnan(result.standard_error)) << to_string(method);
    EXPECT_EQ(result.unchanged, pre.size()) << to_string(method);
    for (const double rci : result.rci) EXPECT_TRUE(std::isnan(rci)) << to_string(method);
  }
}

TEST(ReliableChange, MethodNamesRoundTrip) {
  for (const RciMethod method : kMethods) EXPECT_EQ(rci_method_from(to_string(method)), method) << to_string(method);
  EXPECT_EQ(rci_method_from("hlm"), std::nullopt);
  EXPECT_EQ(rci_method_from("JT"), std::nullopt);
}

}  // namespace
}  // namespace psyscore::detail
