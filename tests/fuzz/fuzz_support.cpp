#include "fuzz_support.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "psyscore/json.hpp"
#include "psyscore/scoring.hpp"
#include "scoring/util/json_input.hpp"

namespace psyscore::fuzz {

const Registry& bundled_registry() {
  static const Registry registry = [] {
    auto loaded = Registry::load_directory(PSYSCORE_SOURCE_DIR "/instruments");
    if (!loaded) fail("setup", "the bundled instruments do not load: " + loaded.error().message);
    return std::move(*loaded);
  }();
  return registry;
}

const Instrument& bundled(std::string_view id) {
  const auto instrument = bundled_registry().find(id);
  if (!instrument) fail("setup", "no bundled instrument " + std::string(id));
  return *instrument;
}

void fail(std::string_view target, const std::string& what) {
  std::fprintf(stderr, "%.*s: invariant broken: %s\n", static_cast<int>(target.size()), target.data(), what.c_str());
  std::fflush(stderr);
  std::abort();
}

bool is_json(std::string_view text) { return detail::parse_json(text).has_value(); }

void check_error(std::string_view target, const Error& error) {
  PSYSCORE_FUZZ_CHECK(target, !error.message.empty() || !error.problems.empty(), "an error says nothing");
  for (const Problem& problem : error.problems) {
    PSYSCORE_FUZZ_CHECK(target, !problem.code.empty(), describe(problem));
    PSYSCORE_FUZZ_CHECK(target, !problem.message.empty(), "problem " + problem.code);
    PSYSCORE_FUZZ_CHECK(target, problem.pointer.empty() || problem.pointer.front() == '/', describe(problem));
    // A column is a column of some line.
    PSYSCORE_FUZZ_CHECK(target, problem.column == 0 || problem.line > 0, describe(problem));
  }
  PSYSCORE_FUZZ_CHECK(target, is_json(encode_problems(error)), "encode_problems wrote no JSON: " + error.message);
}

void check_wave(std::string_view target, const Instrument& instrument, const ResponseMatrix& wave) {
  const std::size_t respondents = wave.ids.size();
  PSYSCORE_FUZZ_CHECK(target, wave.item_count == instrument.items.size(), instrument.id);
  PSYSCORE_FUZZ_CHECK(target, wave.answers.size() == respondents * wave.item_count, instrument.id);
  PSYSCORE_FUZZ_CHECK(target, wave.errors.size() == respondents, instrument.id);
  PSYSCORE_FUZZ_CHECK(target, wave.groups.empty() || wave.groups.size() == respondents, instrument.id);
  // Covariates: one value per respondent, of the covariate's kind; numbers finite.
  for (const Covariate& covariate : wave.covariates) {
    const std::size_t values = covariate.numeric ? covariate.numbers.size() : covariate.labels.size();
    PSYSCORE_FUZZ_CHECK(target, values == respondents, "covariate " + covariate.name);
    PSYSCORE_FUZZ_CHECK(target, covariate.numeric ? covariate.labels.empty() : covariate.numbers.empty(),
                        "covariate " + covariate.name);
    for (std::size_t r = 0; covariate.numeric && r < respondents; ++r) {
      PSYSCORE_FUZZ_CHECK(target, std::isnan(covariate.numbers[r]) || std::isfinite(covariate.numbers[r]),
                          "covariate " + covariate.name);
    }
  }
  std::set<std::string_view> ids;
  for (std::size_t r = 0; r < respondents; ++r) {
    PSYSCORE_FUZZ_CHECK(target, !wave.ids[r].empty(), "respondent " + std::to_string(r));
    PSYSCORE_FUZZ_CHECK(target, ids.insert(wave.ids[r]).second, "respondent " + std::to_string(r) + " repeats an id");
    if (!wave.usable(r)) continue;
    for (std::size_t i = 0; i < wave.item_count; ++i) {
      const double answer = wave.at(r, i);
      if (is_missing(answer)) continue;
      const Scale& scale = instrument.items[i].scale;
      PSYSCORE_FUZZ_CHECK(target, scale.in_range(answer) && scale.on_grid(answer),
                          instrument.id + " item " + instrument.items[i].id + " kept answer " + std::to_string(answer));
    }
  }
}

namespace {

bool within(double value, double low, double high) {
  const double slack = 1e-9 * std::max({1.0, std::abs(low), std::abs(high)});
  return std::isfinite(value) && value >= low - slack && value <= high + slack;
}

}  // namespace

void check_scores(std::string_view target, const Instrument& instrument, const ResponseMatrix& wave) {
  const ScoreTable table = score(instrument, wave);
  const std::size_t subscales = instrument.subscales.size();
  PSYSCORE_FUZZ_CHECK(target, table.respondent_count == wave.ids.size(), instrument.id);
  PSYSCORE_FUZZ_CHECK(target, table.subscale_count == subscales, instrument.id);
  PSYSCORE_FUZZ_CHECK(target, table.scores.size() == wave.ids.size() * subscales, instrument.id);
  for (std::size_t r = 0; r < wave.ids.size(); ++r) {
    if (!wave.usable(r)) continue;
    for (std::size_t s = 0; s < subscales; ++s) {
      const Subscale& subscale = instrument.subscales[s];
      const SubscaleScore& result = table.at(r, s);
      const std::string where = instrument.id + " subscale " + subscale.id + " of respondent " + std::to_string(r);
      PSYSCORE_FUZZ_CHECK(target, result.answered + result.missing == subscale.items.size(), where);
      if (!result.value) continue;
      PSYSCORE_FUZZ_CHECK(target, result.answered >= subscale.min_answered, where);
      // Keyed answers stay on their item's scale, so a score stays within
      // what the scales allow: k * [lowest min, highest max] for a sum
      // (prorated or not), [lowest min, highest max] for a mean, 0..100 for
      // POMP.
      double low = instrument.items[subscale.items.front()].scale.min;
      double high = instrument.items[subscale.items.front()].scale.max;
      for (std::size_t item : subscale.items) {
        low = std::min(low, instrument.items[item].scale.min);
        high = std::max(high, instrument.items[item].scale.max);
      }
      const double k = static_cast<double>(subscale.items.size());
      switch (subscale.method) {
        case ScoringMethod::sum: low *= k, high *= k; break;
        case ScoringMethod::mean: break;
        case ScoringMethod::pomp: low = 0, high = 100; break;
      }
      PSYSCORE_FUZZ_CHECK(target, within(*result.value, low, high), where + ": " + std::to_string(*result.value));
      if (result.band) {
        PSYSCORE_FUZZ_CHECK(target, *result.band < subscale.bands.size(), where);
        PSYSCORE_FUZZ_CHECK(target, subscale.bands[*result.band].contains(*result.value), where);
      }
    }
  }
  PSYSCORE_FUZZ_CHECK(target, is_json(encode_score_result(instrument, wave, table)), instrument.id);
}

}  // namespace psyscore::fuzz
