#include "psyscore/waves.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <unordered_map>
#include <unordered_set>

#include <boost/math/distributions/students_t.hpp>

#include "psyscore/scoring.hpp"
#include "scoring/analysis/request_checks.hpp"
#include "scoring/models/linear_mixed_model.hpp"
#include "scoring/stats/descriptives.hpp"
#include "scoring/stats/friedman.hpp"
#include "scoring/stats/holm.hpp"
#include "scoring/stats/rank_tests.hpp"
#include "scoring/util/json_input.hpp"
#include "scoring/util/math_policy.hpp"
#include "scoring/util/nan.hpp"

namespace psyscore {

namespace {

using detail::in_quotes;
using detail::kNaN;
using detail::problem_at;

// Small-cohort thresholds of the warnings.
constexpr std::size_t kFewComplete = 10;
constexpr std::size_t kFewPerWave = 5;
// clinicalsignificance fits the hlm model to patients with at least 3 scores.
constexpr std::size_t kHlmMinimumScores = 3;
// A residual SD below this share of the scores' SD is rounding: the scores do
// not vary around the model's means (or lines) at all.
constexpr double kNoVariation = 1e-6;

bool no_residual_variation(double sigma, const Eigen::VectorXd& y) {
  const double sd = detail::standard_deviation(std::span<const double>(y.data(), static_cast<std::size_t>(y.size())));
  return !(sigma > kNoVariation * sd) || !(sd > 0);
}

void add_pairwise(SubscaleWaves& result, const std::vector<std::string>& names, const Eigen::MatrixXd& scores) {
  std::vector<double> p;
  bool approximated = false;
  std::vector<double> differences;
  for (Eigen::Index a = 0; a < scores.cols(); ++a) {
    for (Eigen::Index b = a + 1; b < scores.cols(); ++b) {
      differences.clear();
      for (Eigen::Index r = 0; r < scores.rows(); ++r) {
        if (!std::isnan(scores(r, a)) && !std::isnan(scores(r, b))) differences.push_back(scores(r, b) - scores(r, a));
      }
      WavePair pair;
      pair.a = names[static_cast<std::size_t>(a)];
      pair.b = names[static_cast<std::size_t>(b)];
      pair.n = differences.size();
      if (!differences.empty()) {
        const detail::SignedRankTest test = detail::wilcoxon_signed_rank(differences);
        pair.v = test.v;
        pair.p = Statistic(test.p);
        pair.exact = test.exact;
        approximated = approximated || (!test.exact && test.n > 0 && test.n < 50);
      }
      p.push_back(pair.p.value_or(kNaN));
      result.pairwise_wilcoxon.push_back(std::move(pair));
    }
  }
  const std::vector<double> adjusted = detail::holm_adjust(p);
  for (std::size_t k = 0; k < adjusted.size(); ++k) result.pairwise_wilcoxon[k].p_holm = Statistic(adjusted[k]);
  if (approximated) {
    result.warnings.push_back(
        "pairwise Wilcoxon: tied or zero differences, so some p values are normal approximations with tie and "
        "continuity correction (as R), not exact");
  }
}

std::optional<MixedModelResult> fit_wave_model(SubscaleWaves& result, const std::vector<std::string>& names,
                                               const Eigen::MatrixXd& scores, double ci_level,
                                               const Deadline& deadline) {
  const Eigen::Index k = scores.cols();
  std::vector<Eigen::Index> wave_of_row;
  detail::MixedModelData data;
  std::vector<double> y;
  for (Eigen::Index r = 0; r < scores.rows(); ++r) {
    bool any = false;
    for (Eigen::Index j = 0; j < k; ++j) {
      if (std::isnan(scores(r, j))) continue;
      y.push_back(scores(r, j));
      wave_of_row.push_back(j);
      data.group.push_back(data.groups);
      any = true;
    }
    if (any) ++data.groups;
  }
  const auto n = static_cast<Eigen::Index>(y.size());
  data.x = Eigen::MatrixXd::Zero(n, k);
  data.z = Eigen::MatrixXd::Ones(n, 1);
  data.y = Eigen::Map<const Eigen::VectorXd>(y.data(), n);
  for (Eigen::Index r = 0; r < n; ++r) {
    data.x(r, 0) = 1;
    if (const Eigen::Index j = wave_of_row[static_cast<std::size_t>(r)]; j > 0) data.x(r, j) = 1;
  }
  const auto fit = detail::fit_reml(data, {.deadline = deadline});
  if (!fit) {
    switch (fit.error()) {
      case detail::MixedModelFailure::deadline_exceeded: break;  // waves() fails as a whole
      case detail::MixedModelFailure::rank_deficient:
        result.warnings.push_back("a wave has no score on this subscale: the mixed model is null");
        break;
      case detail::MixedModelFailure::too_few_observations:
        result.warnings.push_back(
            "too few scores for the mixed model (it needs more scores than respondents and than waves): "
            "mixed_model is null");
        break;
      default:
        result.warnings.push_back("the mixed model could not be fitted (" +
                                  std::string(detail::to_string(fit.error())) + "): mixed_model is null");
        break;
    }
    return std::nullopt;
  }
  if (no_residual_variation(fit->sigma, data.y)) {
    result.warnings.push_back(
        "the scores do not vary within the waves (every residual is 0): the mixed model is undefined and null");
    return std::nullopt;
  }
  MixedModelResult model;
  model.n_obs = static_cast<std::size_t>(n);
  model.n_respondents = static_cast<std::size_t>(data.groups);
  model.log_likelihood = fit->log_likelihood;
  model.singular = fit->singular;
  for (Eigen::Index j = 0; j < k; ++j) {
    Eigen::VectorXd l = Eigen::VectorXd::Zero(k);
    l(j) = 1;
    const detail::SatterthwaiteT t = detail::satterthwaite_t(*fit, l);
    model.fixed.push_back({j == 0 ? "(Intercept)" : "wave" + names[static_cast<std::size_t>(j)], t.estimate, t.se,
                           Statistic(t.df), Statistic(t.t), Statistic(t.p)});
  }
  model.respondent_sd = std::sqrt(fit->random_covariance(0, 0));
  model.residual_sd = fit->sigma;
  const double total = fit->random_covariance(0, 0) + fit->sigma * fit->sigma;
  model.icc = Statistic(fit->random_covariance(0, 0) / total);

  const Eigen::MatrixXd contrasts = detail::doolittle_contrasts(data.x);
  const detail::SatterthwaiteF f = detail::satterthwaite_f(*fit, contrasts.bottomRows(k - 1));
  model.wave_test = {Statistic(f.f), static_cast<std::size_t>(f.num_df), Statistic(f.den_df), Statistic(f.p)};

  for (Eigen::Index j = 0; j < k; ++j) {
    Eigen::VectorXd l = Eigen::VectorXd::Zero(k);
    l(0) = 1;
    if (j > 0) l(j) = 1;
    const detail::SatterthwaiteT t = detail::satterthwaite_t(*fit, l);
    WaveMean mean{names[static_cast<std::size_t>(j)], t.estimate, t.se, Statistic(t.df), std::nullopt, std::nullopt};
    if (std::isfinite(t.df) && t.df > 0) {
      const boost::math::students_t_distribution<double, detail::MathPolicy> distribution(t.df);
      const double half = boost::math::quantile(distribution, (1 + ci_level) / 2) * t.se;
      mean.lower = Statistic(t.estimate - half);
      mean.upper = Statistic(t.estimate + half);
    }
    model.wave_means.push_back(std::move(mean));
  }
  if (fit->singular) {
    result.warnings.push_back(
        "singular fit: the estimated between-respondent variance is (close to) 0, so the scores of one respondent "
        "are no more alike than those of different respondents; the ICC is 0 and the model's standard errors are "
        "those of independent scores");
  }
  return model;
}

std::optional<HlmChange> hlm_change(SubscaleWaves& result, const Subscale& subscale,
                                    const std::vector<std::string>& ids, const Eigen::MatrixXd& scores,
                                    const WavesClinicalSignificance& options, const Deadline& deadline) {
  // Respondents with at least 3 scores; time = the wave's position 1..k.
  detail::MixedModelData data;
  std::vector<double> y;
  std::vector<double> time;
  std::vector<std::size_t> kept;
  for (Eigen::Index r = 0; r < scores.rows(); ++r) {
    std::size_t count = 0;
    for (Eigen::Index j = 0; j < scores.cols(); ++j) count += std::isnan(scores(r, j)) ? 0 : 1;
    if (count < kHlmMinimumScores) continue;
    for (Eigen::Index j = 0; j < scores.cols(); ++j) {
      if (std::isnan(scores(r, j))) continue;
      y.push_back(scores(r, j));
      time.push_back(static_cast<double>(j + 1));
      data.group.push_back(data.groups);
    }
    kept.push_back(static_cast<std::size_t>(r));
    ++data.groups;
  }
  if (kept.size() < 3) {
    result.warnings.push_back("the hlm reliable change needs at least 3 respondents with 3 or more scores; found " +
                              std::to_string(kept.size()) + ": rci is null");
    return std::nullopt;
  }
  const auto n = static_cast<Eigen::Index>(y.size());
  data.x.resize(n, 2);
  data.z.resize(n, 2);
  for (Eigen::Index r = 0; r < n; ++r) {
    data.x(r, 0) = data.z(r, 0) = 1;
    data.x(r, 1) = data.z(r, 1) = time[static_cast<std::size_t>(r)];
  }
  data.y = Eigen::Map<const Eigen::VectorXd>(y.data(), n);
  const auto fit = detail::fit_reml(data, {.deadline = deadline});
  if (!fit) {
    if (fit.error() == detail::MixedModelFailure::deadline_exceeded) return std::nullopt;  // waves() fails
    result.warnings.push_back("the random-slope model of the hlm reliable change could not be fitted (" +
                              std::string(detail::to_string(fit.error())) + "): rci is null");
    return std::nullopt;
  }

  if (no_residual_variation(fit->sigma, data.y)) {
    result.warnings.push_back(
        "the scores lie exactly on each respondent's line: the hlm reliable change is undefined; "
        "rci is null");
    return std::nullopt;
  }
  HlmChange change;
  change.criterion = options.rci_criterion;
  change.n = kept.size();
  change.singular = fit->singular;
  const double better = subscale.higher_is_better ? 1.0 : -1.0;
  std::vector<double> pre_scores;
  for (std::size_t i = 0; i < kept.size(); ++i) {
    const auto r = static_cast<Eigen::Index>(kept[i]);
    HlmParticipant participant;
    participant.id = ids[kept[i]];
    participant.slope = fit->random_effects(static_cast<Eigen::Index>(i), 1);
    participant.se = fit->random_effects_sd(static_cast<Eigen::Index>(i), 1);
    participant.rci = participant.slope / participant.se;
    if (better * participant.rci > options.rci_criterion) {
      participant.category = ChangeCategory::improved;
      ++change.improved;
    } else if (better * participant.rci < -options.rci_criterion) {
      participant.category = ChangeCategory::deteriorated;
      ++change.deteriorated;
    } else {
      ++change.unchanged;
    }
    bool first = true;
    for (Eigen::Index j = 0; j < scores.cols(); ++j) {
      if (std::isnan(scores(r, j))) continue;
      if (first) participant.pre = scores(r, j);
      participant.post = scores(r, j);
      first = false;
    }
    pre_scores.push_back(participant.pre);
    change.participants.push_back(std::move(participant));
  }
  if (fit->singular) {
    result.warnings.push_back(
        "hlm: the random-slope model's fit is singular (its random intercepts and slopes are perfectly correlated "
        "or a variance is 0); the slopes are shrunk accordingly, as in R");
  }

  HlmClinicalSignificance& clinical = change.clinical_significance;
  clinical.criterion = options.criterion.value_or(subscale.norms ? CutoffCriterion::c : CutoffCriterion::a);
  clinical.sd_multiplier = options.sd_multiplier;
  clinical.functional_sd = options.functional_sd;
  clinical.dysfunctional = {detail::mean(pre_scores), detail::standard_deviation(pre_scores)};
  const Population& dys = clinical.dysfunctional;
  if (clinical.criterion == CutoffCriterion::a) {
    clinical.cutoff = dys.mean + better * clinical.sd_multiplier * dys.sd;
  } else {
    const Population fun{subscale.norms->mean,
                         options.functional_sd == FunctionalSd::norms ? subscale.norms->sd : dys.sd};
    clinical.functional = fun;
    clinical.cutoff = clinical.criterion == CutoffCriterion::b
                          ? fun.mean - better * clinical.sd_multiplier * fun.sd
                          : (dys.sd * fun.mean + fun.sd * dys.mean) / (dys.sd + fun.sd);
  }
  for (HlmParticipant& participant : change.participants) {
    const bool clinical_pre = better * (participant.pre - clinical.cutoff) < 0;
    const bool functional_post = better * (participant.post - clinical.cutoff) > 0;
    participant.crossed_cutoff = clinical_pre && functional_post;
    HlmCategory category = HlmCategory::unchanged;
    if (participant.category == ChangeCategory::improved) {
      category = *participant.crossed_cutoff ? HlmCategory::recovered : HlmCategory::improved;
    } else if (participant.category == ChangeCategory::deteriorated) {
      category = !clinical_pre && !functional_post ? HlmCategory::harmed : HlmCategory::deteriorated;
    }
    participant.clinical_category = category;
    switch (category) {
      case HlmCategory::recovered: ++clinical.recovered; break;
      case HlmCategory::improved: ++clinical.improved; break;
      case HlmCategory::unchanged: ++clinical.unchanged; break;
      case HlmCategory::deteriorated: ++clinical.deteriorated; break;
      case HlmCategory::harmed: ++clinical.harmed; break;
    }
  }
  return change;
}

SubscaleWaves analyse_subscale(const Instrument& instrument, std::size_t subscale_index,
                               const std::vector<std::string>& names, const std::vector<std::string>& ids,
                               const Eigen::MatrixXd& scores, const WavesOptions& options) {
  SubscaleWaves result;
  const Subscale& subscale = instrument.subscales[subscale_index];
  result.id = subscale.id;
  const Eigen::Index k = scores.cols();
  std::vector<double> values;
  std::vector<std::string> sparse;
  for (Eigen::Index j = 0; j < k; ++j) {
    values.clear();
    for (Eigen::Index r = 0; r < scores.rows(); ++r)
      if (!std::isnan(scores(r, j))) values.push_back(scores(r, j));
    const detail::Summary summary = detail::summarize(values);
    result.waves.push_back({names[static_cast<std::size_t>(j)], summary.n, Statistic(summary.mean),
                            Statistic(summary.sd), Statistic(summary.median)});
    if (summary.n < kFewPerWave)
      sparse.push_back(in_quotes(names[static_cast<std::size_t>(j)]) + " (" + std::to_string(summary.n) + ")");
  }
  if (!sparse.empty()) {
    std::string list;
    for (const auto& s : sparse) list += (list.empty() ? "" : ", ") + s;
    result.warnings.push_back("fewer than 5 scores at wave(s) " + list +
                              ": the means of these waves are very uncertain");
  }

  const detail::FriedmanTest friedman = detail::friedman(scores);
  if (friedman.n >= 2) {
    result.friedman = FriedmanResult{friedman.statistic, friedman.df, friedman.p, friedman.n, friedman.kendall_w};
    if (!friedman.statistic) {
      result.warnings.push_back("every complete respondent scores the same at every wave: Friedman's test is null");
    }
  } else {
    result.warnings.push_back("Friedman's test needs at least 2 respondents with a score at every wave; found " +
                              std::to_string(friedman.n) + ": friedman is null");
  }
  if (friedman.n < kFewComplete) {
    result.warnings.push_back("only " + std::to_string(friedman.n) +
                              " respondent(s) have a score at every wave (fewer than 10): Friedman's test and the "
                              "pairwise tests can detect only large changes; the mixed model uses every score");
  }
  add_pairwise(result, names, scores);
  result.mixed_model = fit_wave_model(result, names, scores, options.ci_level, options.deadline);
  if (options.clinical_significance) {
    result.rci = hlm_change(result, subscale, ids, scores, *options.clinical_significance, options.deadline);
  }
  return result;
}

}  // namespace

std::string_view to_string(HlmCategory category) {
  switch (category) {
    case HlmCategory::recovered: return "recovered";
    case HlmCategory::improved: return "improved";
    case HlmCategory::unchanged: return "unchanged";
    case HlmCategory::deteriorated: return "deteriorated";
    case HlmCategory::harmed: return "harmed";
  }
  return "unchanged";
}

Result<WavesReport> waves(const Instrument& instrument, std::span<const NamedWave> waves, const WavesOptions& options) {
  std::vector<Problem> problems;
  const std::vector<std::size_t> selected = detail::select_subscales(instrument, options.subscales, problems);
  if (!(options.ci_level > 0 && options.ci_level < 1)) {
    problems.push_back(problem_at("/ci_level", "out_of_range", "ci_level must be between 0 and 1 (exclusive)"));
  }
  if (waves.size() < 2) {
    problems.push_back(problem_at("/waves", "too_few_waves",
                                  "a waves analysis needs at least 2 waves; found " + std::to_string(waves.size())));
  }
  std::unordered_set<std::string_view> names_seen;
  for (std::size_t w = 0; w < waves.size(); ++w) {
    const std::string pointer = detail::pointer_append("/waves", w);
    if (!names_seen.insert(waves[w].name).second) {
      problems.push_back(problem_at(pointer + "/name", "duplicate_wave",
                                    "wave " + in_quotes(waves[w].name) + " is given twice; wave names must be unique"));
    }
    if (waves[w].responses == nullptr || !detail::decoded_for(instrument, *waves[w].responses)) {
      problems.push_back(problem_at(pointer, "not_decoded", "the wave was not decoded for this instrument"));
      continue;
    }
    std::unordered_set<std::string_view> ids_seen;
    const ResponseMatrix& wave = *waves[w].responses;
    for (std::size_t r = 0; r < wave.respondent_count(); ++r) {
      if (!ids_seen.insert(wave.ids[r]).second) {
        problems.push_back(
            problem_at(pointer + "/responses/" + std::to_string(r) + "/id", "duplicate_id",
                       "respondent " + in_quotes(wave.ids[r]) + " appears twice in wave " + in_quotes(waves[w].name)));
        break;
      }
    }
  }
  if (const auto& clinical = options.clinical_significance) {
    if (!(clinical->rci_criterion > 0) || !std::isfinite(clinical->rci_criterion)) {
      problems.push_back(problem_at("/clinical_significance/rci_criterion", "out_of_range",
                                    "rci_criterion must be a positive number"));
    }
    if (!(clinical->sd_multiplier > 0) || !std::isfinite(clinical->sd_multiplier)) {
      problems.push_back(problem_at("/clinical_significance/sd_multiplier", "out_of_range",
                                    "sd_multiplier must be a positive number"));
    }
    if (clinical->criterion && *clinical->criterion != CutoffCriterion::a) {
      for (const std::size_t s : selected) {
        if (!instrument.subscales[s].norms) {
          problems.push_back(problem_at("/clinical_significance/criterion", "no_norms",
                                        "cut-off criterion " + std::string(to_string(*clinical->criterion)) +
                                            " needs the subscale's norms; subscale " +
                                            in_quotes(instrument.subscales[s].id) + " has none"));
        }
      }
    }
  }
  if (!problems.empty()) return std::unexpected(detail::invalid_request(std::move(problems), "waves request"));

  WavesReport report;
  report.ci_level = options.ci_level;
  report.rci_requested = options.clinical_significance.has_value();
  // Respondents in order of first appearance over the waves.
  std::vector<std::string> ids;
  std::unordered_map<std::string_view, std::size_t> index;
  std::vector<ScoreTable> tables;
  for (const NamedWave& wave : waves) {
    report.wave_names.push_back(wave.name);
    report.wave_respondents.push_back(wave.responses->respondent_count());
    tables.push_back(score(instrument, *wave.responses));
  }
  for (const NamedWave& wave : waves) {
    for (const std::string& id : wave.responses->ids) {
      if (index.contains(id)) continue;
      index.emplace(id, ids.size());
      ids.push_back(id);
    }
  }
  // index holds views into the waves' ids, which outlive it.
  report.respondents = ids.size();
  const auto k = static_cast<Eigen::Index>(waves.size());
  for (const std::size_t s : selected) {
    if (options.deadline.passed()) return std::unexpected(detail::deadline_exceeded(options.deadline));
    Eigen::MatrixXd scores = Eigen::MatrixXd::Constant(static_cast<Eigen::Index>(ids.size()), k, kNaN);
    for (Eigen::Index w = 0; w < k; ++w) {
      const ResponseMatrix& wave = *waves[static_cast<std::size_t>(w)].responses;
      for (std::size_t r = 0; r < wave.respondent_count(); ++r) {
        if (!wave.usable(r)) continue;
        const auto& value = tables[static_cast<std::size_t>(w)].at(r, s).value;
        if (value) scores(static_cast<Eigen::Index>(index.at(wave.ids[r])), w) = *value;
      }
    }
    report.subscales.push_back(analyse_subscale(instrument, s, report.wave_names, ids, scores, options));
  }
  // A fit the deadline stopped left its subscale incomplete.
  if (options.deadline.passed()) return std::unexpected(detail::deadline_exceeded(options.deadline));
  for (const NamedWave& wave : waves) {
    for (std::size_t r = 0; r < wave.responses->respondent_count(); ++r)
      if (!wave.responses->usable(r)) ++report.excluded_for_errors;
  }
  if (report.excluded_for_errors > 0) {
    report.warnings.push_back(std::to_string(report.excluded_for_errors) +
                              " respondent-wave(s) with invalid answers were left out (their scores are unknown)");
  }
  return report;
}

}  // namespace psyscore
