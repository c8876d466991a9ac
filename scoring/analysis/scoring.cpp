#include "psyscore/scoring.hpp"

namespace psyscore {

SubscaleScore score_subscale(const Instrument& instrument, const Subscale& subscale, std::span<const double> answers) {
  SubscaleScore score;
  double sum = 0;
  for (const std::size_t item : subscale.items) {
    const double answer = answers[item];
    if (is_missing(answer)) continue;
    sum += instrument.items[item].keyed(answer);
    ++score.answered;
  }
  const std::size_t k = subscale.items.size();
  score.missing = k - score.answered;
  if (score.answered > 0) score.mean = sum / static_cast<double>(score.answered);
  if (score.answered < subscale.min_answered || score.answered == 0) {
    score.reason = "too_few_answered";
    return score;
  }

  const double mean = sum / static_cast<double>(score.answered);
  double value = mean;
  switch (subscale.method) {
    case ScoringMethod::sum:
      // sum * k / answered rather than mean * k: one rounding, so a prorated
      // value that is mathematically whole (a band edge) is exactly whole.
      score.prorated = score.answered < k;
      value = score.prorated ? sum * static_cast<double>(k) / static_cast<double>(score.answered) : sum;
      break;
    case ScoringMethod::mean: break;
    case ScoringMethod::pomp: {
      const Scale& scale = instrument.items[subscale.items.front()].scale;
      value = 100 * (mean - scale.min) / (scale.max - scale.min);
      break;
    }
  }
  score.value = value;
  score.band = subscale.band_of(value);
  if (subscale.norms) {
    const double z = (value - subscale.norms->mean) / subscale.norms->sd;
    score.z = z;
    score.t = 50 + 10 * z;
  }
  return score;
}

ScoreTable score(const Instrument& instrument, const ResponseMatrix& responses) {
  ScoreTable table;
  score(instrument, responses, table);
  return table;
}

void score(const Instrument& instrument, const ResponseMatrix& responses, ScoreTable& table) {
  table.respondent_count = responses.respondent_count();
  table.subscale_count = instrument.subscales.size();
  table.scores.assign(table.respondent_count * table.subscale_count, SubscaleScore{});
  table.between_bands.assign(table.subscale_count, 0);

  for (std::size_t r = 0; r < table.respondent_count; ++r) {
    if (!responses.usable(r)) continue;
    const auto row = responses.row(r);
    for (std::size_t s = 0; s < table.subscale_count; ++s) {
      const Subscale& subscale = instrument.subscales[s];
      SubscaleScore& score = table.scores[r * table.subscale_count + s];
      score = score_subscale(instrument, subscale, row);
      if (falls_between_bands(subscale, score)) ++table.between_bands[s];
    }
  }
  table.warnings = score_warnings(instrument, table.between_bands);
}

std::vector<std::string> score_warnings(const Instrument& instrument, std::span<const std::size_t> between_bands) {
  std::vector<std::string> warnings;
  for (std::size_t s = 0; s < between_bands.size(); ++s) {
    if (between_bands[s] == 0) continue;
    warnings.push_back(std::to_string(between_bands[s]) + " score(s) of subscale \"" + instrument.subscales[s].id +
                       "\" fall outside or between its bands (e.g. a prorated sum between two whole-number "
                       "cut-offs) and have band null");
  }
  return warnings;
}

}  // namespace psyscore
