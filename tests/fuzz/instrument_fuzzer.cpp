// Target `instrument`: bytes -> definition JSON -> Instrument or problems.
//
// A definition that loads must be internally consistent, load again from its
// canonical form to the same hash, and score and encode a respondent at each
// end of its scales; one that does not must say where and why.

#include <cmath>
#include <limits>

#include "fuzz_support.hpp"
#include "psyscore/json.hpp"
#include "psyscore/scoring.hpp"

namespace psyscore::fuzz {

namespace {

constexpr std::string_view kTarget = "instrument";

void check_definition(const Instrument& instrument) {
  PSYSCORE_FUZZ_CHECK(kTarget, !instrument.items.empty() && !instrument.subscales.empty(), instrument.id);
  PSYSCORE_FUZZ_CHECK(kTarget, instrument.item_lookup.size() == instrument.items.size(), instrument.id);
  PSYSCORE_FUZZ_CHECK(kTarget, instrument.sha256.size() == 64, instrument.id);
  for (std::size_t i = 0; i < instrument.items.size(); ++i) {
    const Item& item = instrument.items[i];
    PSYSCORE_FUZZ_CHECK(kTarget, instrument.item_index(item.id) == i, "item " + item.id);
    PSYSCORE_FUZZ_CHECK(kTarget, item.scale.min < item.scale.max && item.scale.step > 0, "item " + item.id);
    PSYSCORE_FUZZ_CHECK(kTarget, item.scale.on_grid(item.scale.max), "item " + item.id);
  }
  for (const Subscale& subscale : instrument.subscales) {
    PSYSCORE_FUZZ_CHECK(kTarget, !subscale.items.empty(), "subscale " + subscale.id);
    PSYSCORE_FUZZ_CHECK(kTarget, subscale.min_answered >= 1 && subscale.min_answered <= subscale.items.size(),
                        "subscale " + subscale.id);
    for (std::size_t item : subscale.items) {
      PSYSCORE_FUZZ_CHECK(kTarget, item < instrument.items.size(), "subscale " + subscale.id);
    }
    for (std::size_t b = 1; b < subscale.bands.size(); ++b) {
      const Band& previous = subscale.bands[b - 1];
      const Band& band = subscale.bands[b];
      PSYSCORE_FUZZ_CHECK(kTarget, previous.max && band.min && *previous.max < *band.min, "subscale " + subscale.id);
    }
    if (subscale.norms) PSYSCORE_FUZZ_CHECK(kTarget, subscale.norms->sd > 0, "subscale " + subscale.id);
  }
}

// Scores three respondents (every item at its scale's min, at its max, and
// unanswered) and encodes the result.
void check_scoring(const Instrument& instrument) {
  ResponseMatrix wave;
  wave.item_count = instrument.items.size();
  wave.ids = {"min", "max", "none"};
  for (const Item& item : instrument.items) wave.answers.push_back(item.scale.min);
  for (const Item& item : instrument.items) wave.answers.push_back(item.scale.max);
  wave.answers.insert(wave.answers.end(), wave.item_count, std::numeric_limits<double>::quiet_NaN());
  wave.errors.resize(wave.ids.size());
  const ScoreTable table = score(instrument, wave);
  PSYSCORE_FUZZ_CHECK(kTarget, table.scores.size() == 3 * instrument.subscales.size(), instrument.id);
  for (std::size_t s = 0; s < instrument.subscales.size(); ++s) {
    PSYSCORE_FUZZ_CHECK(kTarget, !table.at(2, s).value, "an unanswered subscale got a score");
  }
  PSYSCORE_FUZZ_CHECK(kTarget, is_json(encode_score_result(instrument, wave, table)), instrument.id);
  PSYSCORE_FUZZ_CHECK(kTarget, is_json(encode_validation(instrument)), instrument.id);
}

}  // namespace

int run_instrument(const std::uint8_t* data, std::size_t size) {
  auto loaded = parse_instrument(as_text(data, size), "fuzz.json");
  if (!loaded) {
    check_error(kTarget, loaded.error());
    for (const Problem& problem : loaded.error().problems) {
      PSYSCORE_FUZZ_CHECK(kTarget, problem.source == "fuzz.json", describe(problem));
    }
    return 0;
  }
  const Instrument& instrument = **loaded;
  check_definition(instrument);
  // The canonical form is a fixed point: it loads to the same definition.
  auto again = parse_instrument(instrument.canonical_json);
  PSYSCORE_FUZZ_CHECK(kTarget, again.has_value(), "the canonical form does not load: " + instrument.canonical_json);
  PSYSCORE_FUZZ_CHECK(kTarget, (*again)->canonical_json == instrument.canonical_json, instrument.canonical_json);
  PSYSCORE_FUZZ_CHECK(kTarget, (*again)->sha256 == instrument.sha256, instrument.id);
  check_scoring(instrument);
  return 0;
}

}  // namespace psyscore::fuzz
