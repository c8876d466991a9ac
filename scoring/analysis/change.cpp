#include "psyscore/change.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <span>
#include <unordered_map>
#include <utility>

#include <Eigen/Core>

#include "psyscore/scoring.hpp"
#include "scoring/analysis/request_checks.hpp"
#include "scoring/psych/alpha.hpp"
#include "scoring/psych/icc.hpp"
#include "scoring/stats/descriptives.hpp"
#include "scoring/stats/effect_sizes.hpp"
#include "scoring/stats/holm.hpp"
#include "scoring/stats/location_tests.hpp"
#include "scoring/stats/mcnemar.hpp"
#include "scoring/stats/rank_tests.hpp"
#include "scoring/stats/reliable_change.hpp"
#include "scoring/util/json_input.hpp"

namespace psyscore {

std::string_view to_string(ChangeCategory category) {
  switch (category) {
    case ChangeCategory::improved: return "improved";
    case ChangeCategory::unchanged: return "unchanged";
    case ChangeCategory::deteriorated: return "deteriorated";
  }
  return "unchanged";
}

std::string_view to_string(ClinicalCategory category) {
  switch (category) {
    case ClinicalCategory::recovered: return "recovered";
    case ClinicalCategory::improved: return "improved";
    case ClinicalCategory::unchanged: return "unchanged";
    case ClinicalCategory::deteriorated: return "deteriorated";
    case ClinicalCategory::harmed: return "harmed";
  }
  return "unchanged";
}

std::string_view to_string(ReliabilitySource source) {
  switch (source) {
    case ReliabilitySource::sample: return "sample";
    case ReliabilitySource::published: return "published";
    case ReliabilitySource::caller: return "caller";
  }
  return "sample";
}

std::string_view to_string(CutoffCriterion criterion) {
  switch (criterion) {
    case CutoffCriterion::a: return "a";
    case CutoffCriterion::b: return "b";
    case CutoffCriterion::c: return "c";
  }
  return "a";
}

std::string_view to_string(FunctionalSd sd) {
  switch (sd) {
    case FunctionalSd::norms: return "norms";
    case FunctionalSd::sample: return "sample";
  }
  return "norms";
}

namespace {

using detail::in_quotes;
using detail::problem_at;

// Below this many pairs every p value and effect size is too imprecise to
// carry a conclusion on its own.
constexpr std::size_t kFewPairs = 10;
// Below this many respondents a sample alpha is itself too uncertain to
// scale the RCI (its standard error is of the order of 0.05 to 0.1).
constexpr std::size_t kFewForAlpha = 30;
constexpr double kUndefinedP = std::numeric_limits<double>::quiet_NaN();

std::string number_text(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", x);
  return buffer;
}

// The problems of one reliability option (rci_reliability, reliability_post).
void check_reliability_source(const Instrument& instrument, const RciReliability& source, const std::string& name,
                              const std::vector<std::size_t>& selected, std::vector<Problem>& problems) {
  const std::string base = "/" + name;
  if (std::holds_alternative<RciFromPublished>(source)) {
    for (const std::size_t s : selected) {
      const Subscale& subscale = instrument.subscales[s];
      if (subscale.published_reliability) continue;
      problems.push_back(
          problem_at(base, "no_published_reliability",
                     "subscale " + in_quotes(subscale.id) + " of \"" + instrument.id +
                         "\" has no published_reliability; use \"sample\" or give a value for it, e.g. {\"" +
                         subscale.id + "\": 0.85}"));
    }
  }
  if (const auto* given = std::get_if<RciFromCaller>(&source)) {
    for (const auto& [id, value] : *given) {
      const std::string pointer = detail::pointer_append(base, id);
      if (!instrument.subscale_index(id)) {
        problems.push_back(problem_at(pointer, "unknown_subscale",
                                      "instrument \"" + instrument.id + "\" has no subscale " + in_quotes(id)));
      } else if (!(value > 0 && value < 1)) {
        problems.push_back(
            problem_at(pointer, "out_of_range",
                       "the reliability of subscale " + in_quotes(id) + " must be between 0 and 1 (exclusive)"));
      }
    }
    for (const std::size_t s : selected) {
      const Subscale& subscale = instrument.subscales[s];
      if (given->contains(subscale.id)) continue;
      problems.push_back(problem_at(
          base, "missing_reliability",
          name + " gives no value for subscale " + in_quotes(subscale.id) + "; give one for every subscale analysed"));
    }
  }
}

void check_options(const Instrument& instrument, const ChangeOptions& options, const std::vector<std::size_t>& selected,
                   std::vector<Problem>& problems) {
  if (!(options.ci_level > 0 && options.ci_level < 1)) {
    problems.push_back(problem_at("/ci_level", "out_of_range", "ci_level must be between 0 and 1 (exclusive)"));
  }
  if (options.rci_criterion && !(std::isfinite(*options.rci_criterion) && *options.rci_criterion > 0)) {
    problems.push_back(
        problem_at("/rci_criterion", "out_of_range", "rci_criterion must be a positive number (e.g. 1.96)"));
  }
  check_reliability_source(instrument, options.rci_reliability, "rci_reliability", selected, problems);
  if (options.rci_method == RciMethod::nk && !options.reliability_post) {
    problems.push_back(problem_at("/reliability_post", "missing_reliability_post",
                                  "rci_method \"nk\" needs the post wave's reliability: give reliability_post "
                                  "(\"sample\", \"published\" or a value per subscale, e.g. {\"EE\": 0.85})"));
  }
  if (options.reliability_post) {
    if (options.rci_method != RciMethod::nk) {
      problems.push_back(problem_at("/reliability_post", "unused_option",
                                    "reliability_post is used by rci_method \"nk\" only; this request uses \"" +
                                        std::string(to_string(options.rci_method)) + "\""));
    } else {
      check_reliability_source(instrument, *options.reliability_post, "reliability_post", selected, problems);
    }
  }
  if (options.clinical_significance) {
    const ClinicalSignificanceOptions& clinical = *options.clinical_significance;
    if (!(std::isfinite(clinical.sd_multiplier) && clinical.sd_multiplier > 0)) {
      problems.push_back(problem_at("/clinical_significance/sd_multiplier", "out_of_range",
                                    "sd_multiplier must be a positive number (2 or 1.96)"));
    }
    if (clinical.criterion && *clinical.criterion != CutoffCriterion::a) {
      for (const std::size_t s : selected) {
        const Subscale& subscale = instrument.subscales[s];
        if (subscale.norms) continue;
        problems.push_back(problem_at("/clinical_significance/criterion", "no_norms",
                                      "criterion " + std::string(to_string(*clinical.criterion)) +
                                          " needs the norms of a functional " + "population, and subscale " +
                                          in_quotes(subscale.id) + " has none; use criterion a"));
      }
    }
  }
}

void check_wave(const Instrument& instrument, const ResponseMatrix& wave, std::string_view name,
                std::vector<Problem>& problems) {
  if (!detail::decoded_for(instrument, wave)) {
    problems.push_back(
        problem_at("/" + std::string(name), "wrong_instrument",
                   "the " + std::string(name) + " wave was not decoded for instrument \"" + instrument.id + "\""));
    return;
  }
  std::unordered_map<std::string_view, std::size_t> seen;
  for (std::size_t r = 0; r < wave.ids.size(); ++r) {
    if (seen.emplace(wave.ids[r], r).second) continue;
    problems.push_back(problem_at(
        detail::pointer_append("/" + std::string(name), r), "duplicate_id",
        "respondent id " + in_quotes(wave.ids[r]) + " occurs more than once in the " + std::string(name) + " wave"));
  }
}

struct Pair {
  std::size_t pre_row;
  std::size_t post_row;
};

MeanSd mean_sd(std::span<const double> x) {
  return {Statistic(detail::mean(x)), Statistic(detail::standard_deviation(x))};
}

void add_paired_t(SubscaleChange& result, std::span<const double> differences, double ci_level) {
  const auto test = detail::one_sample_t(differences, ci_level);
  if (test) {
    result.paired_t = PairedT{test->t, test->df, test->p, test->ci_lower, test->ci_upper};
    return;
  }
  const bool all_zero = std::all_of(differences.begin(), differences.end(), [](double d) { return d == 0; });
  result.warnings.push_back(all_zero ? "every difference is 0: the paired t test is undefined (t, p and CI null)"
                                     : "every difference is " + number_text(differences.front()) +
                                           ": with no variation the paired t test is undefined (R: \"data are "
                                           "essentially constant\"); t, p and CI are null");
}

void add_wilcoxon(SubscaleChange& result, std::span<const double> differences) {
  if (differences.empty()) return;
  const detail::SignedRankTest test = detail::wilcoxon_signed_rank(differences);
  result.wilcoxon = SignedRank{test.v, Statistic(test.p), test.exact, test.n};
  if (test.n == 0) {
    result.warnings.push_back("every difference is 0: the Wilcoxon signed-rank p is undefined (null)");
    return;
  }
  if (!test.exact && test.n < 50) {
    std::string why;
    if (test.ties) why = "tied |differences|";
    if (test.zeros > 0) {
      why += (why.empty() ? "" : " and ") + std::to_string(test.zeros) + " zero difference(s), dropped";
    }
    result.warnings.push_back("Wilcoxon signed-rank: no exact p with " + why +
                              "; p is the normal approximation with tie and continuity correction (as R)");
  }
  const double smallest = detail::smallest_signed_rank_p(test.n);
  if (smallest >= 0.05) {
    result.warnings.push_back("Wilcoxon signed-rank with " + std::to_string(test.n) +
                              " non-zero difference(s): the exact test cannot reach p < 0.05 at all (smallest "
                              "possible two-sided p " +
                              number_text(smallest) + ")" +
                              (test.exact ? "" : "; the normal approximation is unreliable at this size"));
  }
}

void add_effect_sizes(SubscaleChange& result, std::span<const double> pre, std::span<const double> post) {
  const detail::PairedEffectSizes effect = detail::paired_effect_sizes(pre, post);
  EffectSizes out{Statistic(effect.d_z), Statistic(effect.d_av), Statistic(effect.d_rm),
                  Statistic(effect.g_z), Statistic(effect.g_av), Statistic(effect.r_pre_post)};
  std::vector<std::string> undefined;
  if (!out.d_z) undefined.emplace_back("d_z");
  if (!out.d_av) undefined.emplace_back("d_av");
  if (!out.d_rm) undefined.emplace_back("d_rm");
  if (!out.g_z) undefined.emplace_back("g_z");
  if (!out.g_av) undefined.emplace_back("g_av");
  if (!out.r_pre_post) undefined.emplace_back("r_pre_post");
  if (!undefined.empty()) {
    std::string names;
    for (const auto& name : undefined) names += (names.empty() ? "" : ", ") + name;
    result.warnings.push_back("effect sizes " + names +
                              " are undefined for these data (a standard deviation in the denominator is 0, or "
                              "only 2 pairs for Hedges' correction) and are null");
  }
  result.effect_sizes = out;
}

// Which wave of the matched pairs a sample alpha is taken from.
enum class Wave { pre, post };

std::string_view wave_name(Wave wave) { return wave == Wave::pre ? "pre" : "post"; }

// The subscale's keyed answers of the matched pairs in one wave (NaN = missing).
Eigen::MatrixXd keyed_items(const Instrument& instrument, const Subscale& subscale, const ResponseMatrix& responses,
                            const std::vector<Pair>& pairs, Wave wave) {
  Eigen::MatrixXd keyed(static_cast<Eigen::Index>(pairs.size()), static_cast<Eigen::Index>(subscale.items.size()));
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const std::size_t row = wave == Wave::pre ? pairs[i].pre_row : pairs[i].post_row;
    for (std::size_t j = 0; j < subscale.items.size(); ++j) {
      const std::size_t item = subscale.items[j];
      const double answer = responses.at(row, item);
      keyed(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) =
          is_missing(answer) ? answer : instrument.items[item].keyed(answer);
    }
  }
  return keyed;
}

struct ReliabilityChoice {
  double value = 0;
  ReliabilitySource source = ReliabilitySource::sample;
  std::size_t n = 0;
};

// The reliability `source` gives for the subscale; `option` names the option
// in warnings, `responses` is the wave a sample alpha is taken from.
std::optional<ReliabilityChoice> choose_reliability(const Instrument& instrument, const Subscale& subscale,
                                                    const ResponseMatrix& responses, const std::vector<Pair>& pairs,
                                                    const RciReliability& source, Wave wave, std::string_view option,
                                                    std::vector<std::string>& warnings) {
  if (std::holds_alternative<RciFromPublished>(source)) {
    // check_options has refused "published" for a subscale without one.
    if (!subscale.published_reliability) return std::nullopt;
    return ReliabilityChoice{subscale.published_reliability->alpha, ReliabilitySource::published, 0};
  }
  if (const auto* given = std::get_if<RciFromCaller>(&source)) {
    return ReliabilityChoice{given->find(subscale.id)->second, ReliabilitySource::caller, 0};
  }
  const std::string use_instead = "use " + std::string(option) + " \"published\" or a value; rci is null";
  if (subscale.items.size() < 2) {
    warnings.push_back("the RCI needs a reliability, and a single-item subscale has no sample alpha; " + use_instead);
    return std::nullopt;
  }
  const double alpha = detail::raw_alpha_pairwise(keyed_items(instrument, subscale, responses, pairs, wave));
  if (!(alpha > 0 && alpha < 1)) {
    warnings.push_back("the sample alpha of the matched " + std::string(wave_name(wave)) + " wave is " +
                       (std::isfinite(alpha) ? number_text(alpha) : std::string("undefined")) +
                       ", not a usable reliability in (0, 1); " + use_instead);
    return std::nullopt;
  }
  if (pairs.size() < kFewForAlpha) {
    warnings.push_back("the RCI's " + std::string(option) + " is the sample alpha of only " +
                       std::to_string(pairs.size()) + " respondents (fewer than " + std::to_string(kFewForAlpha) +
                       "), itself imprecise; consider \"published\" or a value from a larger sample");
  }
  return ReliabilityChoice{alpha, ReliabilitySource::sample, pairs.size()};
}

// The cut-off between the clinical (the matched pre wave) and the functional
// population (the norms), and each participant's combined category, as the
// package's cs_combined forms them.
void add_clinical_significance(ReliableChange& rci, const Subscale& subscale, std::span<const double> pre_scores,
                               std::span<const double> post_scores, const detail::RciComputation& computation,
                               const detail::RciParameters& parameters, const ClinicalSignificanceOptions& options) {
  ClinicalSignificance clinical;
  clinical.criterion = options.criterion.value_or(subscale.norms ? CutoffCriterion::c : CutoffCriterion::a);
  clinical.sd_multiplier = options.sd_multiplier;
  clinical.functional_sd = options.functional_sd;
  clinical.dysfunctional = {computation.mean_pre, computation.sd_pre};
  detail::CutoffParameters cutoff;
  cutoff.sd_multiplier = options.sd_multiplier;
  switch (clinical.criterion) {
    case CutoffCriterion::a: cutoff.type = detail::CutoffType::a; break;
    case CutoffCriterion::b: cutoff.type = detail::CutoffType::b; break;
    case CutoffCriterion::c: cutoff.type = detail::CutoffType::c; break;
  }
  if (clinical.criterion != CutoffCriterion::a) {
    const Population functional{subscale.norms->mean,
                                options.functional_sd == FunctionalSd::norms ? subscale.norms->sd : computation.sd_pre};
    clinical.functional = functional;
    cutoff.functional_mean = functional.mean;
    cutoff.functional_sd = functional.sd;
  }
  const detail::ClinicalComputation outcome =
      detail::clinical_significance(rci.method, computation, pre_scores, post_scores, parameters, cutoff);
  clinical.cutoff = outcome.cutoff;
  clinical.recovered = outcome.recovered;
  clinical.improved = outcome.improved;
  clinical.unchanged = outcome.unchanged;
  clinical.deteriorated = outcome.deteriorated;
  clinical.harmed = outcome.harmed;
  clinical.reliability_clinical = Statistic(outcome.reliability_clinical);
  clinical.reliability_functional = Statistic(outcome.reliability_functional);
  clinical.reliability_post = Statistic(outcome.reliability_post);
  clinical.group_changed = Statistic(outcome.group_changed);
  clinical.group_functional = Statistic(outcome.group_functional);
  for (std::size_t i = 0; i < rci.participants.size(); ++i) {
    RciParticipant& participant = rci.participants[i];
    participant.crossed_cutoff = outcome.clinical_pre[i] && outcome.functional_post[i];
    switch (outcome.outcome[i]) {
      case detail::ClinicalOutcome::recovered: participant.clinical_category = ClinicalCategory::recovered; break;
      case detail::ClinicalOutcome::improved: participant.clinical_category = ClinicalCategory::improved; break;
      case detail::ClinicalOutcome::unchanged: participant.clinical_category = ClinicalCategory::unchanged; break;
      case detail::ClinicalOutcome::deteriorated: participant.clinical_category = ClinicalCategory::deteriorated; break;
      case detail::ClinicalOutcome::harmed: participant.clinical_category = ClinicalCategory::harmed; break;
    }
    if (!outcome.cs_indiv.empty()) participant.cs_indiv = Statistic(outcome.cs_indiv[i]);
  }
  rci.clinical_significance = clinical;
}

void add_reliable_change(SubscaleChange& result, const Instrument& instrument, const Subscale& subscale,
                         const ResponseMatrix& pre, const ResponseMatrix& post, const std::vector<Pair>& pairs,
                         std::span<const double> pre_scores, std::span<const double> post_scores,
                         const ChangeOptions& options) {
  if (pairs.size() < 2) return;
  const auto reliability = choose_reliability(instrument, subscale, pre, pairs, options.rci_reliability, Wave::pre,
                                              "rci_reliability", result.warnings);
  if (!reliability) return;
  std::optional<ReliabilityChoice> reliability_post;
  if (options.rci_method == RciMethod::nk) {
    reliability_post = choose_reliability(instrument, subscale, post, pairs, *options.reliability_post, Wave::post,
                                          "reliability_post", result.warnings);
    if (!reliability_post) return;
  }
  const double sd_pre = detail::standard_deviation(pre_scores);
  if (!(sd_pre > 0)) {
    result.warnings.push_back("the matched pre scores do not vary (SD 0), so the RCI's s_diff is 0; rci is null");
    return;
  }
  detail::RciParameters parameters;
  parameters.reliability = reliability->value;
  parameters.reliability_post = reliability_post ? reliability_post->value : 0;
  parameters.criterion = options.rci_criterion.value_or(default_rci_criterion(options.rci_method));
  parameters.higher_is_better = subscale.higher_is_better;
  const detail::RciComputation computation =
      detail::reliable_change(options.rci_method, pre_scores, post_scores, parameters);
  if (!std::isfinite(computation.standard_error)) {
    result.warnings.push_back(
        "the " + std::string(to_string(options.rci_method)) +
        " RCI is undefined for these data (its standard error is not a positive number: for ha the post scores "
        "may not vary, or the reliability of the differences is not positive); rci is null");
    return;
  }

  ReliableChange rci;
  rci.method = options.rci_method;
  rci.reliability = reliability->value;
  rci.reliability_source = reliability->source;
  rci.reliability_n = reliability->n;
  if (reliability_post) {
    rci.reliability_post = reliability_post->value;
    rci.reliability_post_source = reliability_post->source;
  }
  rci.sd_pre = sd_pre;
  rci.s_diff = std::sqrt(2.0) * sd_pre * std::sqrt(1 - reliability->value);
  rci.standard_error = computation.standard_error;
  rci.r_dd = Statistic(computation.r_dd);
  rci.criterion = parameters.criterion;
  rci.improved = computation.improved;
  rci.unchanged = computation.unchanged;
  rci.deteriorated = computation.deteriorated;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    RciParticipant participant;
    participant.id = pre.ids[pairs[i].pre_row];
    participant.pre = pre_scores[i];
    participant.post = post_scores[i];
    participant.difference = post_scores[i] - pre_scores[i];
    participant.rci = computation.rci[i];
    switch (computation.direction[i]) {
      case detail::ReliableDirection::improved: participant.category = ChangeCategory::improved; break;
      case detail::ReliableDirection::unchanged: participant.category = ChangeCategory::unchanged; break;
      case detail::ReliableDirection::deteriorated: participant.category = ChangeCategory::deteriorated; break;
    }
    rci.participants.push_back(std::move(participant));
  }
  if (options.clinical_significance) {
    add_clinical_significance(rci, subscale, pre_scores, post_scores, computation, parameters,
                              *options.clinical_significance);
  }
  result.rci = std::move(rci);
}

void add_bands(SubscaleChange& result, const Subscale& subscale, const ScoreTable& pre_scores,
               const ScoreTable& post_scores, std::size_t subscale_index, const std::vector<Pair>& pairs) {
  if (subscale.bands.empty()) return;
  const std::size_t r = subscale.bands.size();
  BandTransitions bands;
  for (const Band& band : subscale.bands) bands.labels.push_back(band.label);
  bands.transitions.assign(r, std::vector<std::size_t>(r, 0));
  for (const Pair& pair : pairs) {
    const auto from = pre_scores.at(pair.pre_row, subscale_index).band;
    const auto to = post_scores.at(pair.post_row, subscale_index).band;
    if (!from || !to) {
      ++bands.left_out;
      continue;
    }
    ++bands.transitions[*from][*to];
  }
  if (bands.left_out > 0) {
    result.warnings.push_back(std::to_string(bands.left_out) +
                              " pair(s) with a score outside or between the bands in a wave are left out of the "
                              "band transitions");
  }
  const detail::SymmetryTest test = detail::mcnemar_bowker(bands.transitions);
  bands.test.statistic = Statistic(test.statistic);
  bands.test.df = test.df;
  bands.test.p = Statistic(test.p);
  bands.test.continuity_corrected = test.continuity_corrected;
  for (const auto& [i, j] : test.dropped_pairs) {
    bands.test.pairs_left_out.emplace_back(bands.labels[i], bands.labels[j]);
  }
  if (r < 2) {
    result.warnings.push_back("the subscale has a single band: no test of band transitions");
  } else if (test.df == 0) {
    result.warnings.push_back("nobody moved between bands: the McNemar/Bowker statistic and p are undefined (null)");
  } else if (!test.dropped_pairs.empty()) {
    std::string names;
    for (const auto& [a, b] : bands.test.pairs_left_out) {
      if (!names.empty()) names += ", ";
      names.append(a).append(" <-> ").append(b);
    }
    result.warnings.push_back("Bowker's test: " + std::to_string(test.dropped_pairs.size()) +
                              " pair(s) of bands nobody moved between (" + names +
                              ") are left out of the statistic and df (R would return NaN)");
  }
  result.bands = std::move(bands);
}

IccEstimate icc_estimate(const std::vector<detail::IccRow>& rows, std::string_view type) {
  for (const detail::IccRow& row : rows) {
    if (row.type != type) continue;
    return {Statistic(row.icc), Statistic(row.f),     Statistic(row.df1),  Statistic(row.df2),
            Statistic(row.p),   Statistic(row.lower), Statistic(row.upper)};
  }
  return {};
}

void add_icc(SubscaleChange& result, std::span<const double> pre_scores, std::span<const double> post_scores,
             double ci_level) {
  if (pre_scores.size() < 2) return;
  Eigen::MatrixXd ratings(static_cast<Eigen::Index>(pre_scores.size()), 2);
  for (std::size_t i = 0; i < pre_scores.size(); ++i) {
    ratings(static_cast<Eigen::Index>(i), 0) = pre_scores[i];
    ratings(static_cast<Eigen::Index>(i), 1) = post_scores[i];
  }
  const std::vector<detail::IccRow> rows = detail::intraclass_correlations(ratings, ci_level);
  result.icc = TestRetest{icc_estimate(rows, "ICC2"), icc_estimate(rows, "ICC3")};
}

SubscaleChange analyse_subscale(const Instrument& instrument, std::size_t subscale_index, const ResponseMatrix& pre,
                                const ResponseMatrix& post, const ScoreTable& pre_scores, const ScoreTable& post_scores,
                                const std::vector<Pair>& usable_pairs, const ChangeOptions& options) {
  const Subscale& subscale = instrument.subscales[subscale_index];
  SubscaleChange result;
  result.id = subscale.id;

  std::vector<Pair> pairs;
  std::vector<double> pre_values;
  std::vector<double> post_values;
  for (const Pair& pair : usable_pairs) {
    const auto& before = pre_scores.at(pair.pre_row, subscale_index).value;
    const auto& after = post_scores.at(pair.post_row, subscale_index).value;
    if (!before || !after) continue;
    pairs.push_back(pair);
    pre_values.push_back(*before);
    post_values.push_back(*after);
  }
  result.n_pairs = pairs.size();
  // post - pre from the scores as computed, compared exactly: R's ties.
  std::vector<double> differences(pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) differences[i] = post_values[i] - pre_values[i];

  if (const std::size_t incomplete = usable_pairs.size() - pairs.size(); incomplete > 0) {
    result.warnings.push_back(std::to_string(incomplete) +
                              " matched respondent(s) lack a score in one wave (too few items answered) and are "
                              "left out of this subscale");
  }
  if (pairs.size() < 2) {
    result.warnings.push_back("only " + std::to_string(pairs.size()) +
                              " complete pair(s): change statistics need at least 2 and are null");
  } else if (pairs.size() < kFewPairs) {
    result.warnings.push_back("only " + std::to_string(pairs.size()) + " pairs (fewer than " +
                              std::to_string(kFewPairs) +
                              "): p values, intervals and effect sizes are very imprecise at this size");
  }

  result.pre = mean_sd(pre_values);
  result.post = mean_sd(post_values);
  result.difference = mean_sd(differences);
  if (pairs.size() >= 2) {
    add_paired_t(result, differences, options.ci_level);
    add_wilcoxon(result, differences);
    add_effect_sizes(result, pre_values, post_values);
  }
  add_reliable_change(result, instrument, subscale, pre, post, pairs, pre_values, post_values, options);
  add_bands(result, subscale, pre_scores, post_scores, subscale_index, pairs);
  add_icc(result, pre_values, post_values, options.ci_level);
  return result;
}

void adjust_across_subscales(std::vector<SubscaleChange>& subscales) {
  std::vector<double> t_p;
  std::vector<double> wilcoxon_p;
  for (const SubscaleChange& s : subscales) {
    t_p.push_back(s.paired_t ? s.paired_t->p : kUndefinedP);
    wilcoxon_p.push_back(s.wilcoxon && s.wilcoxon->p ? *s.wilcoxon->p : kUndefinedP);
  }
  const std::vector<double> t_holm = detail::holm_adjust(t_p);
  const std::vector<double> wilcoxon_holm = detail::holm_adjust(wilcoxon_p);
  for (std::size_t i = 0; i < subscales.size(); ++i) {
    subscales[i].paired_t_p_holm = Statistic(t_holm[i]);
    subscales[i].wilcoxon_p_holm = Statistic(wilcoxon_holm[i]);
  }
}

void add_wave_warnings(std::vector<std::string>& warnings, std::string_view wave, const ResponseMatrix& responses,
                       const ScoreTable& table) {
  for (const auto& warning : responses.warnings) warnings.push_back(std::string(wave) + " wave: " + warning);
  for (const auto& warning : table.warnings) warnings.push_back(std::string(wave) + " wave: " + warning);
}

}  // namespace

Result<ChangeReport> change(const Instrument& instrument, const ResponseMatrix& pre, const ResponseMatrix& post,
                            const ChangeOptions& options) {
  std::vector<Problem> problems;
  const std::vector<std::size_t> selected = detail::select_subscales(instrument, options.subscales, problems);
  check_options(instrument, options, selected, problems);
  check_wave(instrument, pre, "pre", problems);
  check_wave(instrument, post, "post", problems);
  if (!problems.empty()) return std::unexpected(detail::invalid_request(std::move(problems), "change request"));

  ChangeReport report;
  report.ci_level = options.ci_level;
  report.pre_respondents = pre.respondent_count();
  report.post_respondents = post.respondent_count();

  std::unordered_map<std::string_view, std::size_t> post_rows;
  for (std::size_t r = 0; r < post.respondent_count(); ++r) post_rows.emplace(post.ids[r], r);
  std::vector<bool> post_matched(post.respondent_count(), false);
  std::vector<Pair> usable_pairs;
  for (std::size_t r = 0; r < pre.respondent_count(); ++r) {
    const auto found = post_rows.find(pre.ids[r]);
    if (found == post_rows.end()) {
      report.pre_only.push_back(pre.ids[r]);
      continue;
    }
    post_matched[found->second] = true;
    ++report.matched;
    if (!pre.usable(r) || !post.usable(found->second)) {
      ++report.excluded_for_errors;
      continue;
    }
    usable_pairs.push_back({r, found->second});
  }
  for (std::size_t r = 0; r < post.respondent_count(); ++r) {
    if (!post_matched[r]) report.post_only.push_back(post.ids[r]);
  }

  if (usable_pairs.size() < 2) {
    return std::unexpected(detail::invalid_request(
        {problem_at("", "too_few_pairs",
                    "change statistics need at least 2 respondents in both waves without answer errors; found " +
                        std::to_string(usable_pairs.size()) + " (" + std::to_string(report.pre_respondents) + " pre, " +
                        std::to_string(report.post_respondents) + " post, " + std::to_string(report.matched) +
                        " matched by id, " + std::to_string(report.excluded_for_errors) +
                        " of them with answer errors)")},
        "change request"));
  }

  const ScoreTable pre_scores = score(instrument, pre);
  const ScoreTable post_scores = score(instrument, post);
  for (const std::size_t s : selected) {
    report.subscales.push_back(
        analyse_subscale(instrument, s, pre, post, pre_scores, post_scores, usable_pairs, options));
  }
  if (std::none_of(report.subscales.begin(), report.subscales.end(),
                   [](const SubscaleChange& s) { return s.n_pairs >= 2; })) {
    return std::unexpected(detail::invalid_request(
        {problem_at("", "too_few_pairs",
                    "no subscale has 2 respondents with a score in both waves (too many unanswered items); nothing to "
                    "compare")},
        "change request"));
  }
  adjust_across_subscales(report.subscales);

  add_wave_warnings(report.warnings, "pre", pre, pre_scores);
  add_wave_warnings(report.warnings, "post", post, post_scores);
  if (!report.pre_only.empty()) {
    report.warnings.push_back(std::to_string(report.pre_only.size()) +
                              " respondent(s) of the pre wave have no post responses (listed in unmatched)");
  }
  if (!report.post_only.empty()) {
    report.warnings.push_back(std::to_string(report.post_only.size()) +
                              " respondent(s) of the post wave have no pre responses (listed in unmatched)");
  }
  if (report.excluded_for_errors > 0) {
    report.warnings.push_back(std::to_string(report.excluded_for_errors) +
                              " matched respondent(s) have answer errors in a wave and are left out of every "
                              "statistic");
  }
  return report;
}

}  // namespace psyscore
