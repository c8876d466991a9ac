// Subscale scores per respondent.
//
// For each subscale a respondent gets the sum, mean or POMP of their keyed
// answers (reverse items as `min + max - x` of the item's scale), or no value
// when fewer than `min_answered` items were answered. A sum with missing
// items is prorated as `mean_of_answered * k` when the subscale allows it.
// Bands and norm-based z and T scores follow from the value.
//
//   psyscore::ScoreTable table = psyscore::score(*instrument, wave);
//   const psyscore::SubscaleScore& ee = table.at(0, 0);
//   if (ee.value) std::cout << *ee.value << '\n';
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "psyscore/instrument.hpp"
#include "psyscore/responses.hpp"

namespace psyscore {

struct SubscaleScore {
  std::optional<double> value;  // nullopt: see `reason`
  std::optional<double> mean;   // mean of the keyed answers; nullopt when none answered
  std::size_t answered = 0;
  std::size_t missing = 0;
  bool prorated = false;
  std::optional<std::size_t> band;  // index into Subscale::bands
  std::optional<double> z;          // from the subscale's norms
  std::optional<double> t;
  std::string_view reason;  // "too_few_answered" when value is nullopt
};

// Respondents x subscales. Rows of respondents with answer errors hold
// default scores and are not to be reported (their scores are null).
struct ScoreTable {
  std::size_t respondent_count = 0;
  std::size_t subscale_count = 0;
  std::vector<SubscaleScore> scores;  // row-major
  std::vector<std::string> warnings;
  // Per subscale, the values that have no band although the subscale has
  // bands (the first warning says so): what a caller scoring a wave in
  // parts adds up for score_warnings().
  std::vector<std::size_t> between_bands;

  const SubscaleScore& at(std::size_t respondent, std::size_t subscale) const {
    return scores[respondent * subscale_count + subscale];
  }
};

// Whether `score` has a value but no band although `subscale` has bands:
// what ScoreTable::between_bands counts.
inline bool falls_between_bands(const Subscale& subscale, const SubscaleScore& score) {
  return score.value && !score.band && !subscale.bands.empty();
}

// Scores one subscale from one respondent's raw answers (a row of a
// ResponseMatrix for `instrument`).
SubscaleScore score_subscale(const Instrument& instrument, const Subscale& subscale, std::span<const double> answers);

// Scores every subscale of every usable respondent.
ScoreTable score(const Instrument& instrument, const ResponseMatrix& responses);
// The same into `table`, reusing its memory: for a wave scored a chunk at a
// time.
void score(const Instrument& instrument, const ResponseMatrix& responses, ScoreTable& table);

// The warnings of a ScoreTable with these between_bands counts (one per
// subscale), e.g. the sums over the chunks of a wave scored in parts.
std::vector<std::string> score_warnings(const Instrument& instrument, std::span<const std::size_t> between_bands);

}  // namespace psyscore
