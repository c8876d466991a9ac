// End-to-end tests of waves(): the R fixtures of tests/data/waves fed through
// waves of a one-item test instrument (the item's answer is the score), the
// hlm reliable change on clinicalsignificance's claus_2020 data, the bad
// requests with their pointers, and the JSON encoder.
#include "psyscore/waves.hpp"

#include <chrono>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "waves_fixtures.hpp"

namespace psyscore {
namespace {

using test::number_at;

// Closed forms (descriptives, Friedman, Wilcoxon, Holm): 1e-9 relative; the
// mixed model is iterative: 1e-6.
constexpr double kClosed = 1e-9;
constexpr double kIterative = 1e-6;

InstrumentPtr one_item_instrument(double max, double step, bool with_norms) {
  std::string text = R"({"id": "one-item", "version": "1.0.0", "name": "One item",
    "scale": {"min": 0, "max": )" +
                     std::to_string(max) + R"(, "step": )" + std::to_string(step) + R"(},
    "items": [{"id": "x"}],
    "subscales": [{"id": "total", "name": "Total", "items": ["x"], "method": "sum")";
  if (with_norms) text += R"(, "norms": {"mean": 8, "sd": 8, "source": "clinicalsignificance's example"})";
  text += "}]}";
  auto instrument = parse_instrument(text);
  EXPECT_TRUE(instrument.has_value());
  return instrument ? *instrument : nullptr;
}

// One wave per column: the respondents with a score there.
std::vector<ResponseMatrix> matrices_of(const std::vector<std::string>& ids, const Eigen::MatrixXd& scores) {
  std::vector<ResponseMatrix> waves(static_cast<std::size_t>(scores.cols()));
  for (Eigen::Index j = 0; j < scores.cols(); ++j) {
    ResponseMatrix& wave = waves[static_cast<std::size_t>(j)];
    wave.item_count = 1;
    for (Eigen::Index r = 0; r < scores.rows(); ++r) {
      if (std::isnan(scores(r, j))) continue;
      wave.ids.push_back(ids[static_cast<std::size_t>(r)]);
      wave.answers.push_back(scores(r, j));
      wave.errors.emplace_back();
    }
  }
  return waves;
}

std::vector<std::string> strings_of(const boost::json::value& array) {
  std::vector<std::string> out;
  for (const auto& v : array.as_array()) out.emplace_back(v.as_string());
  return out;
}

TEST(Waves, MatchesRFixtures) {
  const InstrumentPtr instrument = one_item_instrument(100, 0.01, false);
  ASSERT_TRUE(instrument);
  for (const char* name : test::kWavesCases) {
    SCOPED_TRACE(name);
    const boost::json::value fixture = test::waves_fixture(name);
    const std::vector<std::string> names = strings_of(fixture.at("waves"));
    const std::vector<ResponseMatrix> matrices = matrices_of(strings_of(fixture.at("ids")), test::wave_scores(fixture));
    std::vector<NamedWave> waves;
    for (std::size_t w = 0; w < names.size(); ++w) waves.push_back({names[w], &matrices[w]});
    WavesOptions options;
    options.ci_level = fixture.at("mixed_model").at("ci_level").to_number<double>();
    const auto report = psyscore::waves(*instrument, waves, options);
    ASSERT_TRUE(report.has_value()) << name;
    ASSERT_EQ(report->subscales.size(), 1u) << name;
    const SubscaleWaves& s = report->subscales[0];

    const auto& descriptives = fixture.at("descriptives").as_array();
    for (std::size_t w = 0; w < descriptives.size(); ++w) {
      EXPECT_EQ(s.waves[w].n, descriptives[w].at("n").to_number<std::size_t>()) << name << " wave " << w;
      EXPECT_NEAR_REL(s.waves[w].mean.value_or(NAN), number_at(descriptives[w], "mean"), kClosed) << name;
      EXPECT_NEAR_REL(s.waves[w].sd.value_or(NAN), number_at(descriptives[w], "sd"), kClosed) << name;
      EXPECT_NEAR_REL(s.waves[w].median.value_or(NAN), number_at(descriptives[w], "median"), kClosed) << name;
    }

    const boost::json::value& friedman = fixture.at("friedman");
    ASSERT_TRUE(s.friedman.has_value()) << name;
    EXPECT_EQ(s.friedman->n, friedman.at("n").to_number<std::size_t>()) << name;
    EXPECT_NEAR_REL(s.friedman->statistic.value_or(NAN), number_at(friedman, "statistic"), kClosed) << name;
    EXPECT_NEAR_REL(s.friedman->p.value_or(NAN), number_at(friedman, "p"), kClosed) << name;
    EXPECT_NEAR_REL(s.friedman->kendall_w.value_or(NAN), number_at(friedman, "kendall_w"), kClosed) << name;

    const auto& pairs = fixture.at("pairwise_wilcoxon").as_array();
    ASSERT_EQ(s.pairwise_wilcoxon.size(), pairs.size()) << name;
    for (std::size_t k = 0; k < pairs.size(); ++k) {
      const WavePair& pair = s.pairwise_wilcoxon[k];
      const std::string label = std::string(name) + " " + pair.a + "-" + pair.b;
      EXPECT_EQ(pair.a, std::string(pairs[k].at("a").as_string())) << label;
      EXPECT_EQ(pair.b, std::string(pairs[k].at("b").as_string())) << label;
      EXPECT_EQ(pair.n, pairs[k].at("n").to_number<std::size_t>()) << label;
      EXPECT_NEAR_REL(pair.v.value_or(NAN), number_at(pairs[k], "v"), kClosed) << label;
      EXPECT_NEAR_REL(pair.p.value_or(NAN), number_at(pairs[k], "p"), kClosed) << label;
      EXPECT_NEAR_REL(pair.p_holm.value_or(NAN), number_at(pairs[k], "p_holm"), kClosed) << label;
      EXPECT_EQ(pair.exact ? "exact" : "normal", std::string(pairs[k].at("method").as_string())) << label;
    }

    const boost::json::value& expected = fixture.at("mixed_model");
    ASSERT_TRUE(s.mixed_model.has_value()) << name;
    const MixedModelResult& m = *s.mixed_model;
    EXPECT_EQ(m.n_obs, expected.at("n_obs").to_number<std::size_t>()) << name;
    EXPECT_EQ(m.n_respondents, expected.at("n_respondents").to_number<std::size_t>()) << name;
    EXPECT_EQ(m.singular, expected.at("singular").as_bool()) << name;
    EXPECT_NEAR_REL(m.log_likelihood, number_at(expected, "log_likelihood"), kIterative) << name;
    const auto& fixed = expected.at("fixed").as_array();
    ASSERT_EQ(m.fixed.size(), fixed.size()) << name;
    for (std::size_t j = 0; j < fixed.size(); ++j) {
      const std::string label = std::string(name) + " " + m.fixed[j].term;
      EXPECT_EQ(m.fixed[j].term, std::string(fixed[j].at("term").as_string())) << label;
      EXPECT_NEAR_REL(m.fixed[j].estimate, number_at(fixed[j], "estimate"), kIterative) << label;
      EXPECT_NEAR_REL(m.fixed[j].se, number_at(fixed[j], "se"), kIterative) << label;
      EXPECT_NEAR_REL(m.fixed[j].df.value_or(NAN), number_at(fixed[j], "df"), kIterative) << label;
      EXPECT_NEAR_REL(m.fixed[j].t.value_or(NAN), number_at(fixed[j], "t"), kIterative) << label;
      EXPECT_NEAR_REL(m.fixed[j].p.value_or(NAN), number_at(fixed[j], "p"), kIterative) << label;
    }
    const boost::json::value& random = expected.at("random");
    EXPECT_NEAR_REL(m.residual_sd, number_at(random, "residual_sd"), kIterative) << name;
    if (!m.singular) {
      EXPECT_NEAR_REL(m.respondent_sd, number_at(random, "respondent_sd"), kIterative) << name;
      EXPECT_NEAR_REL(m.icc.value_or(NAN), number_at(random, "icc"), kIterative) << name;
    } else {
      EXPECT_LT(m.respondent_sd, 1e-6) << name;
    }
    const boost::json::value& wave_test = expected.at("wave_test");
    EXPECT_NEAR_REL(m.wave_test.f.value_or(NAN), number_at(wave_test, "f"), kIterative) << name;
    EXPECT_EQ(m.wave_test.num_df, wave_test.at("num_df").to_number<std::size_t>()) << name;
    EXPECT_NEAR_REL(m.wave_test.den_df.value_or(NAN), number_at(wave_test, "den_df"), kIterative) << name;
    EXPECT_NEAR_REL(m.wave_test.p.value_or(NAN), number_at(wave_test, "p"), kIterative) << name;
    const auto& means = expected.at("wave_means").as_array();
    ASSERT_EQ(m.wave_means.size(), means.size()) << name;
    for (std::size_t j = 0; j < means.size(); ++j) {
      const std::string label = std::string(name) + " mean " + m.wave_means[j].wave;
      EXPECT_NEAR_REL(m.wave_means[j].estimate, number_at(means[j], "estimate"), kIterative) << label;
      EXPECT_NEAR_REL(m.wave_means[j].se, number_at(means[j], "se"), kIterative) << label;
      EXPECT_NEAR_REL(m.wave_means[j].df.value_or(NAN), number_at(means[j], "df"), kIterative) << label;
      EXPECT_NEAR_REL(m.wave_means[j].lower.value_or(NAN), number_at(means[j], "lower"), kIterative) << label;
      EXPECT_NEAR_REL(m.wave_means[j].upper.value_or(NAN), number_at(means[j], "upper"), kIterative) << label;
    }
  }
}

bool has_warning(const std::vector<std::string>& warnings, std::string_view fragment) {
  for (const auto& w : warnings)
    if (w.find(fragment) != std::string::npos) return true;
  return false;
}

TEST(Waves, SmallCohortWarnings) {
  const InstrumentPtr instrument = one_item_instrument(100, 0.01, false);
  struct Case {
    const char* fixture;
    std::size_t dropped;  // respondents removed from the last wave
    const char* fragment;
  };
  const Case cases[] = {
      {"group6", 0, "fewer than 10"},
      {"group6", 3, "fewer than 5 scores at wave(s) \"10m\" (3)"},
      {"singular", 0, "singular fit"},
  };
  for (const Case& c : cases) {
    const boost::json::value fixture = test::waves_fixture(c.fixture);
    const std::vector<std::string> names = strings_of(fixture.at("waves"));
    Eigen::MatrixXd scores = test::wave_scores(fixture);
    for (std::size_t r = 0; r < c.dropped; ++r) scores(static_cast<Eigen::Index>(r), scores.cols() - 1) = NAN;
    const std::vector<ResponseMatrix> matrices = matrices_of(strings_of(fixture.at("ids")), scores);
    std::vector<NamedWave> waves;
    for (std::size_t w = 0; w < names.size(); ++w) waves.push_back({names[w], &matrices[w]});
    const auto report = psyscore::waves(*instrument, waves);
    ASSERT_TRUE(report.has_value()) << c.fixture;
    EXPECT_TRUE(has_warning(report->subscales[0].warnings, c.fragment)) << c.fixture << ": " << c.fragment;
  }
}

// A deadline that has passed stops the analysis with one
// "deadline_exceeded" problem, between subscales or inside a mixed model;
// one far off changes nothing.
TEST(Waves, StopsOnceItsDeadlinePassed) {
  const InstrumentPtr instrument = one_item_instrument(100, 0.01, false);
  const boost::json::value fixture = test::waves_fixture("group6");
  const std::vector<std::string> names = strings_of(fixture.at("waves"));
  const std::vector<ResponseMatrix> matrices = matrices_of(strings_of(fixture.at("ids")), test::wave_scores(fixture));
  std::vector<NamedWave> waves;
  for (std::size_t w = 0; w < names.size(); ++w) waves.push_back({names[w], &matrices[w]});
  WavesOptions options;
  options.clinical_significance = WavesClinicalSignificance{};
  options.deadline = Deadline::after(std::chrono::milliseconds(0));
  const auto stopped = psyscore::waves(*instrument, waves, options);
  ASSERT_FALSE(stopped.has_value());
  EXPECT_EQ(stopped.error().code, ErrorCode::invalid);
  ASSERT_EQ(stopped.error().problems.size(), 1u);
  EXPECT_EQ(stopped.error().problems[0].code, "deadline_exceeded");

  options.deadline = Deadline::after(std::chrono::hours(1));
  const auto unhurried = psyscore::waves(*instrument, waves, options);
  options.deadline = {};
  const auto free = psyscore::waves(*instrument, waves, options);
  ASSERT_TRUE(unhurried.has_value() && free.has_value());
  EXPECT_EQ(encode_waves_result(*instrument, *unhurried), encode_waves_result(*instrument, *free));
}

// clinicalsignificance's published HLM example: claus_2020, HAM-D at 4
// measurements, cut-off c with a functional population of mean 8 and SD 8.
TEST(Waves, HlmReproducesClaus2020) {
  const InstrumentPtr instrument = one_item_instrument(60, 1, true);
  ASSERT_TRUE(instrument);
  std::istringstream csv(test::read_text(test::data_dir() / "waves" / "claus_2020_hamd.csv"));
  std::string line;
  std::getline(csv, line);
  std::vector<ResponseMatrix> matrices(4);
  for (auto& m : matrices) m.item_count = 1;
  while (std::getline(csv, line)) {
    const auto first = line.find(',');
    const auto second = line.find(',', first + 1);
    const std::string hamd = line.substr(second + 1);
    if (hamd.empty()) continue;
    const int time = std::stoi(line.substr(first + 1, second - first - 1));
    ResponseMatrix& wave = matrices[static_cast<std::size_t>(time - 1)];
    wave.ids.push_back(line.substr(0, first));
    wave.answers.push_back(std::stod(hamd));
    wave.errors.emplace_back();
  }
  std::vector<NamedWave> waves{{"1", &matrices[0]}, {"2", &matrices[1]}, {"3", &matrices[2]}, {"4", &matrices[3]}};
  WavesOptions options;
  options.clinical_significance = WavesClinicalSignificance{};
  options.clinical_significance->criterion = CutoffCriterion::c;
  const auto report = psyscore::waves(*instrument, waves, options);
  ASSERT_TRUE(report.has_value());
  const auto& rci = report->subscales[0].rci;
  ASSERT_TRUE(rci.has_value());

  const boost::json::value fixture = test::hlm_fixture("claus_2020_hamd");
  const boost::json::value& published = fixture.at("categories").at("published");
  EXPECT_EQ(rci->n, 40u);
  EXPECT_EQ(rci->improved, published.at("distribution").at("improved").to_number<std::size_t>());
  EXPECT_EQ(rci->unchanged, published.at("distribution").at("unchanged").to_number<std::size_t>());
  EXPECT_EQ(rci->deteriorated, published.at("distribution").at("deteriorated").to_number<std::size_t>());
  const auto& clinical = rci->clinical_significance;
  const boost::json::value& combined = published.at("combined");
  EXPECT_EQ(clinical.recovered, combined.at("recovered").to_number<std::size_t>());
  EXPECT_EQ(clinical.improved, combined.at("improved").to_number<std::size_t>());
  EXPECT_EQ(clinical.unchanged, combined.at("unchanged").to_number<std::size_t>());
  EXPECT_EQ(clinical.deteriorated, combined.at("deteriorated").to_number<std::size_t>());
  EXPECT_EQ(clinical.harmed, combined.at("harmed").to_number<std::size_t>());
  EXPECT_NEAR_REL(clinical.cutoff, number_at(fixture.at("categories").at("combined"), "cutoff"), kClosed);

  const std::vector<double> slope = test::json_numbers(fixture.at("ranef").at("slope"));
  const std::vector<double> slope_sd = test::json_numbers(fixture.at("ranef").at("slope_sd"));
  const std::vector<std::string> ids = strings_of(fixture.at("ranef").at("id"));
  ASSERT_EQ(rci->participants.size(), ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(rci->participants[i].id, ids[i]) << i;
    EXPECT_NEAR_REL(rci->participants[i].slope, slope[i], kIterative) << ids[i];
    EXPECT_NEAR_REL(rci->participants[i].se, slope_sd[i], kIterative) << ids[i];
  }
}

// Scores that do not vary within the waves leave the models undefined (null
// with a warning), not a fit to rounding noise.
TEST(Waves, ConstantScoresGiveNullModels) {
  const InstrumentPtr instrument = one_item_instrument(100, 1, false);
  const std::vector<std::string> ids = {"p1", "p2", "p3", "p4", "p5"};
  Eigen::MatrixXd scores(5, 3);
  scores << 3, 5, 7, 3, 5, 7, 3, 5, 7, 3, 5, 7, 3, 5, 7;
  const std::vector<ResponseMatrix> matrices = matrices_of(ids, scores);
  std::vector<NamedWave> waves{{"a", &matrices[0]}, {"b", &matrices[1]}, {"c", &matrices[2]}};
  WavesOptions options;
  options.clinical_significance = WavesClinicalSignificance{};
  const auto report = psyscore::waves(*instrument, waves, options);
  ASSERT_TRUE(report.has_value());
  const SubscaleWaves& s = report->subscales[0];
  EXPECT_FALSE(s.mixed_model.has_value());
  EXPECT_FALSE(s.rci.has_value());
  EXPECT_TRUE(has_warning(s.warnings, "do not vary within the waves"));
  EXPECT_TRUE(has_warning(s.warnings, "exactly on each respondent's line"));
  ASSERT_TRUE(s.friedman.has_value());
  EXPECT_NEAR(s.friedman->statistic.value_or(NAN), 10, 1e-12);  // every respondent ranks the waves alike
}

TEST(Waves, RejectsBadRequestsWithPointers) {
  const InstrumentPtr instrument = one_item_instrument(100, 1, false);
  ResponseMatrix a;
  a.item_count = 1;
  a.ids = {"p1", "p2", "p3"};
  a.answers = {1, 2, 3};
  a.errors.resize(3);
  ResponseMatrix repeated = a;
  repeated.ids = {"p1", "p2", "p1"};
  struct Case {
    const char* name;
    std::vector<NamedWave> waves;
    WavesOptions options;
    const char* pointer;
    const char* code;
  };
  WavesOptions bad_level;
  bad_level.ci_level = 1.5;
  WavesOptions unknown_subscale;
  unknown_subscale.subscales = {"nope"};
  WavesOptions needs_norms;
  needs_norms.clinical_significance = WavesClinicalSignificance{};
  needs_norms.clinical_significance->criterion = CutoffCriterion::b;
  const Case cases[] = {
      {"one wave", {{"baseline", &a}}, {}, "/waves", "too_few_waves"},
      {"repeated wave name", {{"baseline", &a}, {"baseline", &a}}, {}, "/waves/1/name", "duplicate_wave"},
      {"respondent repeated within a wave",
       {{"baseline", &a}, {"6m", &repeated}},
       {},
       "/waves/1/responses/2/id",
       "duplicate_id"},
      {"ci_level", {{"baseline", &a}, {"6m", &a}}, bad_level, "/ci_level", "out_of_range"},
      {"unknown subscale", {{"baseline", &a}, {"6m", &a}}, unknown_subscale, "/subscales/0", "unknown_subscale"},
      {"criterion b without norms",
       {{"baseline", &a}, {"6m", &a}},
       needs_norms,
       "/clinical_significance/criterion",
       "no_norms"},
  };
  for (const Case& c : cases) {
    const auto report = psyscore::waves(*instrument, c.waves, c.options);
    ASSERT_FALSE(report.has_value()) << c.name;
    EXPECT_EQ(report.error().code, ErrorCode::invalid) << c.name;
    ASSERT_FALSE(report.error().problems.empty()) << c.name;
    EXPECT_EQ(report.error().problems[0].pointer, c.pointer) << c.name;
    EXPECT_EQ(report.error().problems[0].code, c.code) << c.name;
  }
}

TEST(Waves, EncodesTheContractShape) {
  const InstrumentPtr instrument = one_item_instrument(100, 0.01, false);
  const boost::json::value fixture = test::waves_fixture("unbalanced4");
  const std::vector<std::string> names = strings_of(fixture.at("waves"));
  const std::vector<ResponseMatrix> matrices = matrices_of(strings_of(fixture.at("ids")), test::wave_scores(fixture));
  std::vector<NamedWave> waves;
  for (std::size_t w = 0; w < names.size(); ++w) waves.push_back({names[w], &matrices[w]});
  const auto report = psyscore::waves(*instrument, waves);
  ASSERT_TRUE(report.has_value());
  const std::string body = encode_waves_result(*instrument, *report);
  const boost::json::value parsed = boost::json::parse(body);
  const auto& subscale = parsed.at("subscales").at(0);
  for (const char* key : {"id", "waves", "friedman", "pairwise_wilcoxon", "mixed_model", "warnings"})
    EXPECT_TRUE(subscale.as_object().contains(key)) << key;
  const auto& model = subscale.at("mixed_model");
  EXPECT_EQ(model.at("formula").as_string(), "score ~ wave + (1 | id)");
  for (const char* key :
       {"n_obs", "n_respondents", "log_likelihood", "singular", "fixed", "random", "wave_test", "wave_means", "reml"})
    EXPECT_TRUE(model.as_object().contains(key)) << key;
  EXPECT_EQ(model.at("fixed").at(1).at("term").as_string(), "wave3m");
  EXPECT_EQ(parsed.at("instrument").at("id").as_string(), "one-item");
}

}  // namespace
}  // namespace psyscore
