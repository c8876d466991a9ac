#include "psyscore/scoring.hpp"

#include <algorithm>
#include <limits>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "psyscore/json.hpp"
#include "scoring/encode/score_writer.hpp"

namespace psyscore {
namespace {

constexpr double kNA = std::numeric_limits<double>::quiet_NaN();

// Item 2 is reverse-keyed on the instrument scale 0..4, item 3 on its own
// scale 1..7; "total" is a prorated sum with norms and bands.
InstrumentPtr demo() {
  static const InstrumentPtr instrument = [] {
    auto loaded = parse_instrument(R"({
      "id": "demo", "version": "1.0.0", "name": "Demo", "scale": {"min": 0, "max": 4},
      "items": [{"id": "1"}, {"id": "2", "reverse": true}, {"id": "3", "reverse": true, "scale": {"min": 1, "max": 7}},
                {"id": "4"}],
      "subscales": [
        {"id": "total", "items": ["1", "2", "3", "4"], "method": "sum", "min_answered": 3,
         "bands": [{"label": "low", "max": 9}, {"label": "high", "min": 10}],
         "norms": {"mean": 10, "sd": 4}},
        {"id": "strict", "items": ["1", "2", "4"], "method": "sum", "prorate": false},
        {"id": "avg", "items": ["1", "2"], "method": "mean", "min_answered": 1},
        {"id": "pct", "items": ["1", "2", "4"], "method": "pomp"}]})");
    EXPECT_TRUE(loaded) << (loaded ? "" : loaded.error().message);
    return *loaded;
  }();
  return instrument;
}

SubscaleScore score_of(const std::string& subscale, std::vector<double> answers) {
  const Instrument& instrument = *demo();
  return score_subscale(instrument, instrument.subscales[*instrument.subscale_index(subscale)], answers);
}

TEST(Scoring, ReverseKeysUseEachItemsOwnScale) {
  // keyed: 1, 4 - 1 = 3, 1 + 7 - 2 = 6, 2
  const SubscaleScore total = score_of("total", {1, 1, 2, 2});
  ASSERT_TRUE(total.value);
  EXPECT_EQ(*total.value, 12.0);
  EXPECT_EQ(*total.mean, 3.0);
  EXPECT_EQ(total.answered, 4u);
  EXPECT_EQ(total.missing, 0u);
  EXPECT_FALSE(total.prorated);
  EXPECT_EQ(total.band, 1u);
  EXPECT_NEAR_REL(*total.z, 0.5, 1e-15);
  EXPECT_NEAR_REL(*total.t, 55.0, 1e-15);
}

TEST(Scoring, MinAnsweredAndProrating) {
  struct Case {
    const char* name;
    const char* subscale;
    std::vector<double> answers;
    std::optional<double> value;
    bool prorated;
  };
  const Case cases[] = {
      {"one missing: mean of 3 answered times 4", "total", {1, 1, kNA, 2}, 6.0 * 4 / 3, true},
      {"two missing: below min_answered", "total", {1, kNA, kNA, 2}, std::nullopt, false},
      {"all missing", "total", {kNA, kNA, kNA, kNA}, std::nullopt, false},
      {"prorate false needs every item", "strict", {1, 1, kNA, kNA}, std::nullopt, false},
      {"prorate false complete", "strict", {1, 1, kNA, 2}, 6.0, false},
      {"mean of the answered", "avg", {kNA, 1, 2, 2}, 3.0, false},
      {"pomp", "pct", {4, 0, kNA, 4}, 100.0, false},
      {"pomp middle", "pct", {2, 2, kNA, 2}, 50.0, false},
  };
  for (const auto& c : cases) {
    const SubscaleScore score = score_of(c.subscale, c.answers);
    EXPECT_EQ(score.value.has_value(), c.value.has_value()) << c.name;
    if (c.value && score.value) {
      EXPECT_NEAR_REL(*score.value, *c.value, 1e-15) << c.name;
    } else {
      EXPECT_EQ(score.reason, "too_few_answered") << c.name;
    }
    EXPECT_EQ(score.prorated, c.prorated) << c.name;
  }
}

TEST(Scoring, BandEdgesAreInclusiveAndGapsGiveNoBand) {
  struct Case {
    std::vector<double> answers;
    std::optional<std::size_t> band;
  };
  // keyed sums (item 3 keys as 8 - x): 9 -> low; 10 -> high;
  // prorated 8 * 4 / 3 = 10.67 -> high; prorated 7 * 4 / 3 = 9.33 lies
  // between the bands.
  const Case cases[] = {
      {{1, 1, 5, 2}, 0u},
      {{2, 1, 5, 2}, 1u},
      {{4, 0, kNA, 0}, 1u},
  };
  for (const auto& c : cases) {
    const SubscaleScore score = score_of("total", c.answers);
    ASSERT_TRUE(score.value);
    EXPECT_EQ(score.band, c.band) << "value " << *score.value;
  }
  const SubscaleScore between = score_of("total", {3, 0, kNA, 0});
  ASSERT_TRUE(between.value);
  EXPECT_NEAR_REL(*between.value, 28.0 / 3, 1e-15);
  EXPECT_EQ(between.band, std::nullopt);
}

TEST(Scoring, RespondentsWithAnswerErrorsAreNotScoredAndTheResultSaysWhy) {
  auto wave = decode_json_responses(*demo(), R"({"responses": [
    {"id": "p01", "answers": {"1": 1, "2": 1, "3": 2, "4": 2}},
    {"id": "p02", "answers": {"1": 9, "2": 1, "3": 2, "4": 2}},
    {"id": "p03", "answers": {"1": 3, "2": 0, "4": 0}}]})");
  ASSERT_TRUE(wave) << wave.error().message;
  const ScoreTable table = score(*demo(), *wave);
  const std::string body = encode_score_result(*demo(), *wave, table);
  const std::string sha = demo()->sha256;
  EXPECT_EQ(
      body,
      R"({"instrument":{"id":"demo","version":"1.0.0","sha256":")" + sha +
          R"("},"results":[)"
          R"({"id":"p01","scores":{)"
          R"("total":{"value":12,"mean":3,"answered":4,"missing":0,"prorated":false,"band":"high","z":0.5,"t":55},)"
          R"("strict":{"value":6,"mean":2,"answered":3,"missing":0,"prorated":false},)"
          R"("avg":{"value":2,"mean":2,"answered":2,"missing":0,"prorated":false},)"
          R"("pct":{"value":50,"mean":2,"answered":3,"missing":0,"prorated":false}},"errors":[]},)"
          R"({"id":"p02","scores":null,"errors":[{"item":"1","code":"out_of_range",)"
          R"("message":"answer 9 to item \"1\" is outside its scale 0..4"}]},)"
          R"({"id":"p03","scores":{)"
          R"("total":{"value":9.333333333333334,"mean":2.3333333333333335,"answered":3,"missing":1,"prorated":true,)"
          R"("band":null,"z":-0.16666666666666652,"t":48.333333333333336},)"
          R"("strict":{"value":7,"mean":2.3333333333333335,"answered":3,"missing":0,"prorated":false},)"
          R"("avg":{"value":3.5,"mean":3.5,"answered":2,"missing":0,"prorated":false},)"
          R"("pct":{"value":58.333333333333336,"mean":2.3333333333333335,"answered":3,"missing":0,"prorated":false}},)"
          R"("errors":[]}],)"
          R"("summary":{"respondents":3,"scored":2,"with_errors":1},)"
          R"("warnings":["1 score(s) of subscale \"total\" fall outside or between its bands )"
          R"((e.g. a prorated sum between two whole-number cut-offs) and have band null"]})"
          "\n");
}

TEST(Scoring, TooFewAnsweredIsExplained) {
  auto wave = decode_json_responses(*demo(), R"({"responses": [{"id": "p", "answers": {"1": 1}}]})");
  ASSERT_TRUE(wave);
  const std::string body = encode_score_result(*demo(), *wave, score(*demo(), *wave));
  EXPECT_NE(body.find(R"("total":{"value":null,"reason":"too_few_answered","mean":1,"answered":1,"missing":3,)"),
            std::string::npos)
      << body;
}

// A wave of `n` respondents with every kind of result: scored, too few
// answered, prorated between bands, and answer errors.
ResponseMatrix mixed_wave(std::size_t n) {
  std::mt19937 random(11);
  std::string body = R"({"responses": [)";
  for (std::size_t r = 0; r < n; ++r) {
    body += (r ? "," : "") + std::string(R"({"id": "r)") + std::to_string(r) + R"(", "answers": {)";
    bool first = true;
    for (const char* item : {"1", "2", "3", "4"}) {
      const auto draw = random() % 12;
      if (draw == 0) continue;  // missing
      body += (first ? "\"" : ", \"") + std::string(item) + "\": ";
      body += draw == 1 ? "9" : std::to_string(1 + draw % 4);  // 9: off the scale
      first = false;
    }
    body += "}}";
  }
  body += "]}";
  auto wave = decode_json_responses(*demo(), body);
  EXPECT_TRUE(wave) << wave.error().message;
  return *wave;
}

TEST(Scoring, AWaveWrittenInChunksIsTheWaveWrittenWhole) {
  const ResponseMatrix wave = mixed_wave(200);
  const ScoreTable whole = score(*demo(), wave);
  ASSERT_FALSE(whole.warnings.empty()) << "the wave should have scores between bands";
  const std::string expected = encode_score_result(*demo(), wave, whole);
  EXPECT_EQ(detail::score_and_encode(*demo(), wave), expected) << "scored as it is written";

  for (const std::size_t rows : {1, 3, 64, 1000}) {
    detail::ScoreResultWriter writer(*demo());
    std::string out;
    writer.begin(out);
    ScoreTable table;  // reused by every chunk
    std::vector<std::size_t> between_bands(demo()->subscales.size(), 0);
    for (std::size_t first = 0; first < wave.respondent_count(); first += rows) {
      const std::size_t last = std::min(first + rows, wave.respondent_count());
      ResponseMatrix chunk;
      chunk.item_count = wave.item_count;
      chunk.ids.assign(wave.ids.begin() + first, wave.ids.begin() + last);
      chunk.answers.assign(wave.answers.begin() + first * wave.item_count,
                           wave.answers.begin() + last * wave.item_count);
      chunk.errors.assign(wave.errors.begin() + first, wave.errors.begin() + last);
      score(*demo(), chunk, table);
      for (std::size_t s = 0; s < between_bands.size(); ++s) between_bands[s] += table.between_bands[s];
      writer.add(out, chunk, table);
    }
    EXPECT_EQ(score_warnings(*demo(), between_bands), whole.warnings) << "chunks of " << rows;
    writer.end(out, score_warnings(*demo(), between_bands));
    EXPECT_EQ(out, expected) << "chunks of " << rows;
  }
}

}  // namespace
}  // namespace psyscore
