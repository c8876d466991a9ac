// change() with every reliable-change method (rci_method) and the combined
// clinical-significance categories, end to end: the fixtures of tests/data/rci
// (the R package clinicalsignificance's formulas on its own data sets) fed
// through waves of a one-item instrument, and the package's published counts
// on claus_2020 with psyscore's default criteria.

#include <array>
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "fixtures.hpp"
#include "psyscore/change.hpp"
#include "psyscore/json.hpp"

namespace psyscore {
namespace {

using test::number;
using test::number_at;

constexpr double kRelative = 1e-9;

::testing::AssertionResult near(double actual, std::optional<double> expected) {
  return test::near_fraction(actual, expected, kRelative);
}

struct DataSet {
  boost::json::value fixture;
  InstrumentPtr instrument;
  ResponseMatrix pre;
  ResponseMatrix post;
};

// One item on 0..200 in steps of 0.5 whose answer is the score, with the
// fixture's direction and functional norms.
DataSet load(const std::string& name) {
  DataSet data;
  data.fixture = test::read_json(test::data_dir() / "rci" / (name + ".json"));
  const auto& object = data.fixture.as_object();
  const bool higher_is_better = object.at("direction").as_int64() == 1;
  const auto& functional = object.at("functional");
  auto instrument = parse_instrument(
      R"({"id": "rci-test", "version": "1.0.0", "name": "RCI test", "scale": {"min": 0, "max": 200, "step": 0.5},
          "items": [{"id": "1"}], "subscales": [{"id": "total", "items": ["1"], "method": "sum",
          "higher_is_better": )" +
      std::string(higher_is_better ? "true" : "false") + R"(, "norms": {"mean": )" +
      std::to_string(number_at(functional, "mean").value()) + R"(, "sd": )" +
      std::to_string(number_at(functional, "sd").value()) + R"(, "source": "test"}}]})");
  EXPECT_TRUE(instrument) << instrument.error().message;
  data.instrument = *instrument;
  const auto& ids = object.at("ids").as_array();
  for (auto* wave : {&data.pre, &data.post}) {
    wave->item_count = 1;
    const auto& scores = object.at(wave == &data.pre ? "pre" : "post").as_array();
    for (std::size_t i = 0; i < ids.size(); ++i) {
      wave->ids.emplace_back(ids[i].as_string());
      wave->answers.push_back(number(scores[i]).value());
      wave->errors.emplace_back();
    }
  }
  return data;
}

constexpr std::array kMethods = {RciMethod::jt, RciMethod::gln, RciMethod::hll,
                                 RciMethod::en, RciMethod::nk,  RciMethod::ha};
constexpr std::array kCriteria = {CutoffCriterion::a, CutoffCriterion::b, CutoffCriterion::c};

ChangeOptions options_for(const DataSet& data, RciMethod method, CutoffCriterion criterion, double rci_criterion) {
  ChangeOptions options;
  options.rci_method = method;
  options.rci_reliability = RciFromCaller{{"total", number_at(data.fixture, "reliability").value()}};
  if (method == RciMethod::nk) {
    options.reliability_post = RciFromCaller{{"total", number_at(data.fixture, "reliability_post").value()}};
  }
  options.rci_criterion = rci_criterion;
  ClinicalSignificanceOptions clinical;
  clinical.criterion = criterion;
  clinical.sd_multiplier = number_at(data.fixture, "sd_multiplier").value();
  options.clinical_significance = clinical;
  return options;
}

TEST(ChangeMethods, EveryMethodAndCutoffMatchesTheFixtures) {
  for (const std::string name : {"claus_2020", "jacobson_1989_das", "jacobson_1989_gds", "hechler_2014"}) {
    const DataSet data = load(name);
    for (const RciMethod method : kMethods) {
      const auto& expected = data.fixture.as_object().at("methods").at(to_string(method));
      for (std::size_t c = 0; c < kCriteria.size(); ++c) {
        const std::string label =
            name + " " + std::string(to_string(method)) + " cut-off " + std::string(to_string(kCriteria[c]));
        const auto report = change(*data.instrument, data.pre, data.post,
                                   options_for(data, method, kCriteria[c], number_at(expected, "criterion").value()));
        ASSERT_TRUE(report) << label << ": " << report.error().message;
        ASSERT_TRUE(report->subscales[0].rci) << label;
        const ReliableChange& rci = *report->subscales[0].rci;
        EXPECT_EQ(rci.method, method) << label;
        EXPECT_TRUE(near(rci.standard_error, number_at(expected, "standard_error"))) << label;
        const auto& values = expected.at("rci").as_array();
        const auto& clinical = expected.at("clinical").as_array()[c];
        const auto& categories = clinical.at("category").as_array();
        ASSERT_EQ(rci.participants.size(), values.size()) << label;
        for (std::size_t i = 0; i < values.size(); ++i) {
          EXPECT_TRUE(near(rci.participants[i].rci, number(values[i]))) << label << " participant " << i;
          EXPECT_EQ(to_string(*rci.participants[i].clinical_category), categories[i].as_string())
              << label << " participant " << i;
        }
        ASSERT_TRUE(rci.clinical_significance) << label;
        EXPECT_TRUE(near(rci.clinical_significance->cutoff, number_at(clinical, "cutoff"))) << label;
        const auto& counts = clinical.at("counts");
        EXPECT_EQ(rci.clinical_significance->recovered, counts.at("recovered").as_int64()) << label;
        EXPECT_EQ(rci.clinical_significance->improved, counts.at("improved").as_int64()) << label;
        EXPECT_EQ(rci.clinical_significance->unchanged, counts.at("unchanged").as_int64()) << label;
        EXPECT_EQ(rci.clinical_significance->deteriorated, counts.at("deteriorated").as_int64()) << label;
        EXPECT_EQ(rci.clinical_significance->harmed, counts.at("harmed").as_int64()) << label;
      }
    }
  }
}

// clinicalsignificance 2.1.0's published snapshots (cs_combined, cut-off c)
// on claus_2020, with psyscore's default criteria (no rci_criterion given).
TEST(ChangeMethods, ClausTwentyTwentyGivesThePackagesCountsByDefault) {
  const DataSet data = load("claus_2020");
  struct Snapshot {
    RciMethod method;
    std::array<std::size_t, 5> counts;  // recovered, improved, unchanged, deteriorated, harmed
  };
  const std::array<Snapshot, 6> snapshots = {{{RciMethod::jt, {26, 3, 10, 1, 0}},
                                              {RciMethod::gln, {26, 3, 10, 1, 0}},
                                              {RciMethod::hll, {12, 0, 16, 11, 1}},
                                              {RciMethod::en, {26, 6, 5, 3, 0}},
                                              {RciMethod::nk, {26, 2, 11, 1, 0}},
                                              {RciMethod::ha, {23, 9, 7, 1, 0}}}};
  for (const Snapshot& snapshot : snapshots) {
    ChangeOptions options = options_for(data, snapshot.method, CutoffCriterion::c, 0);
    options.rci_criterion.reset();
    const auto report = change(*data.instrument, data.pre, data.post, options);
    ASSERT_TRUE(report) << to_string(snapshot.method);
    const ClinicalSignificance& clinical = *report->subscales[0].rci->clinical_significance;
    EXPECT_EQ(
        (std::array{clinical.recovered, clinical.improved, clinical.unchanged, clinical.deteriorated, clinical.harmed}),
        snapshot.counts)
        << to_string(snapshot.method);
    EXPECT_EQ(report->subscales[0].rci->criterion, default_rci_criterion(snapshot.method))
        << to_string(snapshot.method);
  }
}

TEST(ChangeMethods, ReliabilityPostIsForNkOnly) {
  const DataSet data = load("claus_2020");
  struct Case {
    const char* name;
    RciMethod method;
    std::optional<RciReliability> reliability_post;
    const char* pointer;
    const char* code;
  };
  const std::vector<Case> cases = {
      {"nk without reliability_post", RciMethod::nk, std::nullopt, "/reliability_post", "missing_reliability_post"},
      {"reliability_post with jt", RciMethod::jt, RciReliability{RciFromCaller{{"total", 0.7}}}, "/reliability_post",
       "unused_option"},
      {"reliability_post out of range", RciMethod::nk, RciReliability{RciFromCaller{{"total", 1.2}}},
       "/reliability_post/total", "out_of_range"},
      {"reliability_post for an unknown subscale", RciMethod::nk,
       RciReliability{RciFromCaller{{"total", 0.7}, {"EE", 0.7}}}, "/reliability_post/EE", "unknown_subscale"},
      {"published reliability_post without one", RciMethod::nk, RciReliability{RciFromPublished{}}, "/reliability_post",
       "no_published_reliability"},
  };
  for (const Case& c : cases) {
    ChangeOptions options;
    options.rci_method = c.method;
    options.rci_reliability = RciFromCaller{{"total", 0.8}};
    options.reliability_post = c.reliability_post;
    const auto report = change(*data.instrument, data.pre, data.post, options);
    ASSERT_FALSE(report) << c.name;
    bool found = false;
    for (const Problem& p : report.error().problems) found = found || (p.pointer == c.pointer && p.code == c.code);
    EXPECT_TRUE(found) << c.name << ": " << report.error().message;
  }
}

TEST(ChangeMethods, EncodesMethodHarmedAndCsIndiv) {
  const DataSet data = load("claus_2020");
  const auto report = change(*data.instrument, data.pre, data.post,
                             options_for(data, RciMethod::ha, CutoffCriterion::c, 1.6448536269514722));
  ASSERT_TRUE(report);
  const auto body = boost::json::parse(encode_change_result(*data.instrument, *report));
  const auto& rci = body.at("subscales").as_array()[0].at("rci");
  EXPECT_EQ(rci.at("method").as_string(), "ha");
  EXPECT_TRUE(rci.at("r_dd").is_double());
  EXPECT_TRUE(rci.at("participants").as_array()[0].as_object().contains("cs_indiv"));
  const auto& clinical = rci.at("clinical_significance");
  EXPECT_EQ(clinical.at("counts").at("harmed").as_int64(), 0);
  EXPECT_EQ(clinical.at("counts").at("recovered").as_int64(), 23);
  EXPECT_TRUE(clinical.as_object().contains("hageman_arrindell"));
}

}  // namespace
}  // namespace psyscore
