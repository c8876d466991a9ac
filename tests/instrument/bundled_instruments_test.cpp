// Every bundled instrument scored against values computed by hand from its
// published key (docs/architecture.md): item sets, reverse items, scoring method,
// min_answered, and every band edge. The expected values were computed from
// the keys as typed into the test, independently of instruments/*.json.

#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "psyscore/scoring.hpp"

namespace psyscore {
namespace {

constexpr double kNA = std::numeric_limits<double>::quiet_NaN();

const Registry& bundled() {
  static const Registry registry = [] {
    auto loaded = Registry::load_directory(test::source_dir() / "instruments");
    EXPECT_TRUE(loaded) << (loaded ? "" : loaded.error().message);
    return loaded ? *loaded : Registry{};
  }();
  return registry;
}

TEST(BundledInstruments, AllNineLoadWithTheSubscaleIdsOtherSystemsStore) {
  const std::map<std::string, std::vector<std::string>> expected = {
      {"mbi-hss", {"EE", "DP", "PA"}},
      {"mbi-gs", {"EX", "CY", "PE"}},
      {"cbi", {"personal", "work", "client"}},
      {"olbi", {"exhaustion", "disengagement", "total"}},
      {"pss-10", {"total"}},
      {"phq-9", {"total"}},
      {"gad-7", {"total"}},
      {"balint-attitudes", {"total"}},
      {"who-5", {"raw", "percent"}},
  };
  ASSERT_EQ(bundled().instruments().size(), expected.size());
  for (const auto& [id, subscales] : expected) {
    const auto instrument = bundled().find(id);
    ASSERT_NE(instrument, nullptr) << id;
    std::vector<std::string> ids;
    for (const auto& subscale : instrument->subscales) ids.push_back(subscale.id);
    EXPECT_EQ(ids, subscales) << id;
    for (std::size_t i = 0; i < instrument->items.size(); ++i) {
      EXPECT_EQ(instrument->items[i].id, std::to_string(i + 1)) << id << ": items are numbered 1..k";
      EXPECT_TRUE(instrument->items[i].text.empty()) << id << ": no item wording is shipped";
    }
    EXPECT_FALSE(instrument->citation.empty()) << id;
    EXPECT_FALSE(instrument->license.empty()) << id;
  }
}

TEST(BundledInstruments, ScoresMatchTheHandComputedKeys) {
  struct Expected {
    const char* subscale;
    std::optional<double> value;
    std::optional<std::string> band;
  };
  struct Case {
    const char* name;
    const char* instrument;
    std::vector<double> answers;  // items "1".."k", kNA = missing
    std::vector<Expected> scores;
  };
  const Case cases[] = {
      {"mbi-hss pattern",
       "mbi-hss",
       {1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6, 0, 1},
       {{"EE", 27.0, "high"}, {"DP", 14.0, "high"}, {"PA", 23.0, "low accomplishment"}}},
      {"mbi-hss EE 18, DP 5, PA 32",
       "mbi-hss",
       {2, 2, 2, 4, 1, 2, 4, 2, 4, 1, 1, 4, 2, 2, 1, 2, 4, 4, 4, 2, 4, 1},
       {{"EE", 18.0, "low"}, {"DP", 5.0, "low"}, {"PA", 32.0, "low accomplishment"}}},
      {"mbi-hss EE 18, DP 5, PA 33 (upper edges of the lowest bands)",
       "mbi-hss",
       {2, 2, 2, 5, 1, 2, 4, 2, 4, 1, 1, 4, 2, 2, 1, 2, 4, 4, 4, 2, 4, 1},
       {{"EE", 18.0, "low"}, {"DP", 5.0, "low"}, {"PA", 33.0, "low accomplishment"}}},
      {"mbi-hss EE 19, DP 6, PA 34 (lower edges of the middle bands)",
       "mbi-hss",
       {3, 2, 2, 5, 2, 2, 5, 2, 4, 1, 1, 4, 2, 2, 1, 2, 4, 4, 4, 2, 4, 1},
       {{"EE", 19.0, "moderate"}, {"DP", 6.0, "moderate"}, {"PA", 34.0, "moderate accomplishment"}}},
      {"mbi-hss EE 26, DP 9, PA 40",
       "mbi-hss",
       {2, 3, 3, 5, 1, 3, 5, 3, 5, 2, 2, 5, 3, 3, 2, 3, 5, 5, 5, 3, 5, 2},
       {{"EE", 26.0, "moderate"}, {"DP", 9.0, "moderate"}, {"PA", 40.0, "high accomplishment"}}},
      {"mbi-hss EE 27, DP 11, PA 39",
       "mbi-hss",
       {3, 3, 3, 4, 2, 3, 5, 3, 5, 3, 2, 5, 3, 3, 2, 3, 5, 5, 5, 3, 5, 2},
       {{"EE", 27.0, "high"}, {"DP", 11.0, "high"}, {"PA", 39.0, "moderate accomplishment"}}},
      {"mbi-hss one EE item missing: prorated 16*9/8 = 18",
       "mbi-hss",
       {kNA, 2, 2, 4, 1, 2, 4, 2, 4, 1, 1, 4, 2, 2, 1, 2, 4, 4, 4, 2, 4, 1},
       {{"EE", 18.0, "low"}, {"DP", 5.0, "low"}, {"PA", 32.0, "low accomplishment"}}},
      {"mbi-hss two EE missing (null), one DP and one PA missing",
       "mbi-hss",
       {kNA, kNA, 2, kNA, kNA, 2, 4, 2, 4, 1, 1, 4, 2, 2, 1, 2, 4, 4, 4, 2, 4, 1},
       {{"EE", std::nullopt, std::nullopt}, {"DP", 5.0, "low"}, {"PA", 32.0, "low accomplishment"}}},
      {"mbi-hss PA prorated 29*8/7 falls between bands",
       "mbi-hss",
       {2, 2, 2, kNA, 1, 2, 5, 2, 4, 1, 1, 4, 2, 2, 1, 2, 4, 4, 4, 2, 4, 1},
       {{"EE", 18.0, "low"}, {"DP", 5.0, "low"}, {"PA", 33.142857142857146, std::nullopt}}},
      {"mbi-gs pattern",
       "mbi-gs",
       {1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6, 0, 1, 2},
       {{"EX", 3.2, std::nullopt}, {"CY", 2.0, std::nullopt}, {"PE", 3.1666666666666665, std::nullopt}}},
      {"mbi-gs one EX and one PE missing",
       "mbi-gs",
       {kNA, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6, 0, 1, kNA},
       {{"EX", 3.75, std::nullopt}, {"CY", 2.0, std::nullopt}, {"PE", 3.4, std::nullopt}}},
      {"cbi pattern",
       "cbi",
       {25, 50, 75, 100, 0, 25, 50, 75, 100, 0, 25, 50, 75, 100, 0, 25, 50, 75, 100},
       {{"personal", 45.833333333333336, std::nullopt},
        {"work", 46.42857142857143, std::nullopt},
        {"client", 58.333333333333336, "high"}}},
      {"cbi item 13 reversed: 0 counts as 100",
       "cbi",
       {50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 0, 50, 50, 50, 50, 50, 50},
       {{"personal", 50.0, "high"}, {"work", 57.142857142857146, "high"}, {"client", 50.0, "high"}}},
      {"cbi at the minimum answered: personal 3, work 3 of 4 (null), client 2 (null)",
       "cbi",
       {50, 25, 75, kNA, kNA, kNA, 0, 25, 50, kNA, kNA, kNA, kNA, 100, 100, kNA, kNA, kNA, kNA},
       {{"personal", 50.0, "high"}, {"work", std::nullopt, std::nullopt}, {"client", std::nullopt, std::nullopt}}},
      {"cbi personal mean exactly 50 is high",
       "cbi",
       {kNA, kNA, kNA, 50, 50, 50, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25},
       {{"personal", 50.0, "high"}, {"work", 32.142857142857146, std::nullopt}, {"client", 25.0, std::nullopt}}},
      {"olbi pattern",
       "olbi",
       {2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1},
       {{"exhaustion", 2.875, std::nullopt}, {"disengagement", 2.375, std::nullopt}, {"total", 2.625, std::nullopt}}},
      {"olbi all 1 (strongly agree)",
       "olbi",
       {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
       {{"exhaustion", 2.5, std::nullopt}, {"disengagement", 2.5, std::nullopt}, {"total", 2.5, std::nullopt}}},
      {"olbi one missing in each subscale, two in total",
       "olbi",
       {2, kNA, kNA, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1},
       {{"exhaustion", 3.0, std::nullopt},
        {"disengagement", 2.5714285714285716, std::nullopt},
        {"total", 2.7857142857142856, std::nullopt}}},
      {"pss-10 pattern", "pss-10", {1, 2, 3, 4, 0, 1, 2, 3, 4, 0}, {{"total", 18.0, std::nullopt}}},
      {"pss-10 reverse item missing: prorated",
       "pss-10",
       {1, 2, 3, kNA, 0, 1, 2, 3, 4, 0},
       {{"total", 20.0, std::nullopt}}},
      {"pss-10 two missing: null",
       "pss-10",
       {kNA, 2, 3, kNA, 0, 1, 2, 3, 4, 0},
       {{"total", std::nullopt, std::nullopt}}},
      {"who-5 all 3", "who-5", {3, 3, 3, 3, 3}, {{"raw", 15.0, "above cut-offs"}, {"percent", 60.0, "above cut-offs"}}},
      {"who-5 raw 7 = 28 %",
       "who-5",
       {2, 2, 1, 1, 1},
       {{"raw", 7.0, "likely depression"}, {"percent", 28.0, "likely depression"}}},
      {"who-5 raw 8 = 32 %",
       "who-5",
       {2, 2, 2, 1, 1},
       {{"raw", 8.0, "poor well-being"}, {"percent", 32.0, "poor well-being"}}},
      {"who-5 raw 12 = 48 %",
       "who-5",
       {3, 3, 2, 2, 2},
       {{"raw", 12.0, "poor well-being"}, {"percent", 48.0, "poor well-being"}}},
      {"who-5 raw 13 = 52 %",
       "who-5",
       {3, 3, 3, 2, 2},
       {{"raw", 13.0, "above cut-offs"}, {"percent", 52.0, "above cut-offs"}}},
      {"who-5 all 5",
       "who-5",
       {5, 5, 5, 5, 5},
       {{"raw", 25.0, "above cut-offs"}, {"percent", 100.0, "above cut-offs"}}},
      {"who-5 one missing: null",
       "who-5",
       {5, 5, 5, 5, kNA},
       {{"raw", std::nullopt, std::nullopt}, {"percent", std::nullopt, std::nullopt}}},
      {"phq-9 total 0", "phq-9", {0, 0, 0, 0, 0, 0, 0, 0, 0}, {{"total", 0.0, "minimal"}}},
      {"phq-9 total 4", "phq-9", {3, 1, 0, 0, 0, 0, 0, 0, 0}, {{"total", 4.0, "minimal"}}},
      {"phq-9 total 5", "phq-9", {3, 2, 0, 0, 0, 0, 0, 0, 0}, {{"total", 5.0, "mild"}}},
      {"phq-9 total 9", "phq-9", {3, 3, 3, 0, 0, 0, 0, 0, 0}, {{"total", 9.0, "mild"}}},
      {"phq-9 total 10", "phq-9", {3, 3, 3, 1, 0, 0, 0, 0, 0}, {{"total", 10.0, "moderate"}}},
      {"phq-9 total 14", "phq-9", {3, 3, 3, 3, 2, 0, 0, 0, 0}, {{"total", 14.0, "moderate"}}},
      {"phq-9 total 15", "phq-9", {3, 3, 3, 3, 3, 0, 0, 0, 0}, {{"total", 15.0, "moderately severe"}}},
      {"phq-9 total 19", "phq-9", {3, 3, 3, 3, 3, 3, 1, 0, 0}, {{"total", 19.0, "moderately severe"}}},
      {"phq-9 total 20", "phq-9", {3, 3, 3, 3, 3, 3, 2, 0, 0}, {{"total", 20.0, "severe"}}},
      {"phq-9 total 27", "phq-9", {3, 3, 3, 3, 3, 3, 3, 3, 3}, {{"total", 27.0, "severe"}}},
      {"phq-9 one missing: 4*9/8 = 4.5 between bands",
       "phq-9",
       {1, 1, 1, 1, 0, 0, 0, 0, kNA},
       {{"total", 4.5, std::nullopt}}},
      {"phq-9 two missing: null", "phq-9", {1, 1, 1, 1, 0, 0, 0, kNA, kNA}, {{"total", std::nullopt, std::nullopt}}},
      {"gad-7 total 0", "gad-7", {0, 0, 0, 0, 0, 0, 0}, {{"total", 0.0, "minimal"}}},
      {"gad-7 total 4", "gad-7", {3, 1, 0, 0, 0, 0, 0}, {{"total", 4.0, "minimal"}}},
      {"gad-7 total 5", "gad-7", {3, 2, 0, 0, 0, 0, 0}, {{"total", 5.0, "mild"}}},
      {"gad-7 total 9", "gad-7", {3, 3, 3, 0, 0, 0, 0}, {{"total", 9.0, "mild"}}},
      {"gad-7 total 10", "gad-7", {3, 3, 3, 1, 0, 0, 0}, {{"total", 10.0, "moderate"}}},
      {"gad-7 total 14", "gad-7", {3, 3, 3, 3, 2, 0, 0}, {{"total", 14.0, "moderate"}}},
      {"gad-7 total 15", "gad-7", {3, 3, 3, 3, 3, 0, 0}, {{"total", 15.0, "severe"}}},
      {"gad-7 total 21", "gad-7", {3, 3, 3, 3, 3, 3, 3}, {{"total", 21.0, "severe"}}},
      {"gad-7 one missing: prorated 6*7/6 = 7", "gad-7", {1, 1, 1, 1, 1, 1, kNA}, {{"total", 7.0, "mild"}}},
      {"balint-attitudes positive and negative",
       "balint-attitudes",
       {5, 4, 4, 1, 2, 1},
       {{"total", 4.5, std::nullopt}}},
      {"balint-attitudes one missing", "balint-attitudes", {5, 4, kNA, 1, 2, 1}, {{"total", 4.6, std::nullopt}}},
      {"balint-attitudes two missing: null",
       "balint-attitudes",
       {5, 4, kNA, kNA, 2, 1},
       {{"total", std::nullopt, std::nullopt}}},
  };
  for (const auto& c : cases) {
    const auto instrument = bundled().find(c.instrument);
    ASSERT_NE(instrument, nullptr) << c.name;
    ASSERT_EQ(c.answers.size(), instrument->items.size()) << c.name;
    for (const auto& expected : c.scores) {
      const auto s = instrument->subscale_index(expected.subscale);
      ASSERT_TRUE(s) << c.name << ": no subscale " << expected.subscale;
      const Subscale& subscale = instrument->subscales[*s];
      const SubscaleScore score = score_subscale(*instrument, subscale, c.answers);
      if (!expected.value) {
        EXPECT_FALSE(score.value) << c.name << " / " << expected.subscale;
        EXPECT_EQ(score.reason, "too_few_answered") << c.name << " / " << expected.subscale;
        continue;
      }
      ASSERT_TRUE(score.value) << c.name << " / " << expected.subscale;
      EXPECT_NEAR_REL(*score.value, expected.value, 1e-12) << c.name << " / " << expected.subscale;
      const std::optional<std::string> band =
          score.band ? std::optional<std::string>(subscale.bands[*score.band].label) : std::nullopt;
      EXPECT_EQ(band, expected.band) << c.name << " / " << expected.subscale;
    }
  }
}

TEST(BundledInstruments, BalintGroupQuestionnaireExampleLoadsAndScores) {
  auto instrument = load_instrument_file(test::source_dir() / "docs" / "examples" / "bgq-example.json");
  ASSERT_TRUE(instrument) << instrument.error().message;
  const Instrument& bgq = **instrument;
  ASSERT_EQ(bgq.subscales.size(), 3u);
  std::set<std::size_t> covered;
  for (const auto& subscale : bgq.subscales) covered.insert(subscale.items.begin(), subscale.items.end());
  EXPECT_EQ(covered.size(), bgq.items.size()) << "every item belongs to a scale";

  ResponseMatrix wave;
  wave.item_count = bgq.items.size();
  wave.ids = {"p01"};
  wave.answers.assign(bgq.items.size(), bgq.scale.max);
  wave.errors.resize(1);
  const ScoreTable table = score(bgq, wave);
  for (std::size_t s = 0; s < bgq.subscales.size(); ++s) {
    const SubscaleScore& result = table.at(0, s);
    ASSERT_TRUE(result.value) << bgq.subscales[s].id;
    // Every answer at the top of the scale: a mean scale scores the scale's
    // max, less the reverse-keyed items, which score its min.
    double expected = 0;
    for (std::size_t item : bgq.subscales[s].items) {
      expected += bgq.items[item].reverse_keyed ? bgq.scale.min : bgq.scale.max;
    }
    if (bgq.subscales[s].method != ScoringMethod::sum) expected /= static_cast<double>(bgq.subscales[s].items.size());
    EXPECT_NEAR_REL(*result.value, expected, 1e-12) << bgq.subscales[s].id;
  }
}

}  // namespace
}  // namespace psyscore
