#include "psyscore/model.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <set>

#include <Eigen/Core>

#include "psyscore/scoring.hpp"
#include "scoring/analysis/request_checks.hpp"
#include "scoring/stats/contingency.hpp"
#include "scoring/stats/logistic_regression.hpp"
#include "scoring/util/json_input.hpp"

namespace psyscore {

namespace {

using detail::in_quotes;
using detail::pointer_append;
using detail::problem_at;

constexpr std::size_t kMaxLevels = 50;  // per categorical predictor

Statistic defined(double x) { return std::isfinite(x) ? Statistic(x) : std::nullopt; }

std::string number_text(double x) {
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, x).ptr;
  return std::string(buffer, end);
}

// The outcome of each respondent: 1 event, 0 none, -1 unknown.
struct Outcome {
  std::string label;
  std::vector<signed char> values;
};

// Levels of a categorical covariate over `rows`: the reference first (when it
// is among them), then the rest in byte order.
std::vector<std::string> levels_of(const Covariate& covariate, const std::vector<std::size_t>& rows,
                                   const std::string* reference) {
  std::set<std::string> seen;
  for (std::size_t r : rows) {
    if (!covariate.labels[r].empty()) seen.insert(covariate.labels[r]);
  }
  std::vector<std::string> levels;
  if (reference && seen.contains(*reference)) levels.push_back(*reference);
  for (const auto& level : seen) {
    if (!reference || level != *reference) levels.push_back(level);
  }
  return levels;
}

std::vector<std::string> all_levels(const Covariate& covariate) {
  std::set<std::string> seen;
  for (const auto& label : covariate.labels) {
    if (!label.empty()) seen.insert(label);
  }
  return {seen.begin(), seen.end()};
}

Association associate(const Covariate& covariate, const std::vector<signed char>& outcome,
                      const std::vector<std::size_t>& usable, const std::string* reference,
                      std::vector<std::string>& warnings) {
  Association out;
  out.covariate = covariate.name;
  std::vector<std::size_t> rows;
  for (std::size_t r : usable) {
    if (outcome[r] >= 0 && !covariate.missing(r)) rows.push_back(r);
  }
  out.levels = levels_of(covariate, rows, reference);
  std::map<std::string_view, std::size_t> index;
  for (std::size_t l = 0; l < out.levels.size(); ++l) index.emplace(out.levels[l], l);
  out.table.assign(out.levels.size(), {0, 0});
  for (std::size_t r : rows) ++out.table[index.at(covariate.labels[r])][static_cast<std::size_t>(outcome[r])];
  std::size_t events = 0;
  for (const auto& row : out.table) events += row[1];
  if (out.levels.size() < 2 || events == 0 || events == rows.size()) {
    warnings.push_back("association of " + in_quotes(covariate.name) +
                       ": fewer than two levels or one outcome class among its respondents; no tests");
    return out;
  }
  Eigen::MatrixXd table(static_cast<Eigen::Index>(out.levels.size()), 2);
  for (std::size_t l = 0; l < out.levels.size(); ++l) {
    table(static_cast<Eigen::Index>(l), 0) = static_cast<double>(out.table[l][0]);
    table(static_cast<Eigen::Index>(l), 1) = static_cast<double>(out.table[l][1]);
  }
  const detail::ChiSquaredTest chi = detail::chi_squared_test(table);
  out.chi_squared = defined(chi.statistic);
  out.df = static_cast<std::size_t>(chi.df);
  out.chi_squared_p = defined(chi.p);
  out.correct = chi.correct;
  out.min_expected = defined(chi.min_expected);
  if (chi.approximation_warning) {
    warnings.push_back("association of " + in_quotes(covariate.name) + ": smallest expected count " +
                       number_text(std::round(chi.min_expected * 100) / 100) +
                       " is below 5; Chi-squared approximation may be incorrect (R's warning); see the Fisher p");
  }
  const detail::FisherTest fisher = detail::fisher_exact_test(table);
  if (fisher.p) {
    out.fisher_p = *fisher.p;
  } else {
    warnings.push_back("association of " + in_quotes(covariate.name) + ": Fisher's exact test needs more than " +
                       std::to_string(detail::kFisherTableLimit) +
                       " partial tables here; not computed (the chi-squared test is reliable at this size)");
  }
  return out;
}

Error text_error(std::string code, std::string message) {
  Problem problem;
  problem.code = std::move(code);
  problem.message = std::move(message);
  return Error::single(ErrorCode::malformed, std::move(problem));
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

Result<ModelOutcome> parse_model_outcome(const Instrument& instrument, std::string_view text) {
  const std::string usage =
      "write the outcome as SUBSCALE>=VALUE (total>=4), SUBSCALE=BAND[,BAND] (EE=high) or COVARIATE=EVENT "
      "(wellbeing=yes)";
  ModelOutcome outcome;
  if (const auto at = text.find(">="); at != std::string_view::npos) {
    outcome.kind = ModelOutcome::Kind::subscale_at_least;
    outcome.subscale = trimmed(text.substr(0, at));
    const std::string_view value = trimmed(text.substr(at + 2));
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), outcome.at_least);
    if (outcome.subscale.empty() || value.empty() || ec != std::errc{} || end != value.data() + value.size() ||
        !std::isfinite(outcome.at_least)) {
      return std::unexpected(text_error("bad_outcome", "cannot read the outcome " + in_quotes(text) + "; " + usage));
    }
    return outcome;
  }
  const auto equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0 || equals + 1 == text.size()) {
    return std::unexpected(text_error("bad_outcome", "cannot read the outcome " + in_quotes(text) + "; " + usage));
  }
  std::string_view name = trimmed(text.substr(0, equals));
  const std::string_view value = trimmed(text.substr(equals + 1));
  const bool forced_covariate = name.starts_with("covariate:");
  if (forced_covariate) name.remove_prefix(10);
  if (!forced_covariate && instrument.subscale_index(name)) {
    outcome.kind = ModelOutcome::Kind::subscale_bands;
    outcome.subscale = name;
    std::string_view rest = value;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const std::string_view band = trimmed(rest.substr(0, comma));
      if (!band.empty()) outcome.bands.emplace_back(band);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
    return outcome;
  }
  outcome.kind = ModelOutcome::Kind::covariate;
  outcome.covariate = name;
  outcome.event = value;
  return outcome;
}

Result<std::pair<std::string, std::string>> parse_model_reference(std::string_view text) {
  const auto equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0 || equals + 1 == text.size()) {
    return std::unexpected(text_error("bad_reference", "cannot read the reference " + in_quotes(text) +
                                                           "; write COVARIATE=LEVEL, e.g. duration=lt1"));
  }
  return std::pair<std::string, std::string>{std::string(trimmed(text.substr(0, equals))),
                                             std::string(trimmed(text.substr(equals + 1)))};
}

Result<ModelReport> model(const Instrument& instrument, const ResponseMatrix& responses, const ModelOptions& options) {
  std::vector<Problem> problems;
  if (!detail::decoded_for(instrument, responses)) {
    return std::unexpected(detail::invalid_request(
        {problem_at("", "wrong_instrument", "the responses were not decoded for instrument \"" + instrument.id + "\"")},
        "model request"));
  }
  if (!(options.ci_level > 0 && options.ci_level < 1)) {
    problems.push_back(problem_at("/options/ci_level", "out_of_range", "ci_level must be between 0 and 1 (exclusive)"));
  }
  const std::size_t n_all = responses.respondent_count();

  // The outcome.
  const ModelOutcome& wanted = options.outcome;
  std::optional<std::size_t> subscale;
  const Covariate* outcome_covariate = nullptr;
  if (wanted.kind == ModelOutcome::Kind::covariate) {
    outcome_covariate = responses.covariate(wanted.covariate);
    if (!outcome_covariate) {
      problems.push_back(problem_at("/options/outcome/covariate", "unknown_covariate",
                                    "the responses have no covariate " + in_quotes(wanted.covariate)));
    } else if (outcome_covariate->numeric) {
      problems.push_back(problem_at("/options/outcome/covariate", "outcome_not_categorical",
                                    "the outcome covariate " + in_quotes(wanted.covariate) +
                                        " holds numbers; an outcome covariate must be categorical with two levels "
                                        "(or use a subscale outcome)"));
    } else {
      const std::vector<std::string> levels = all_levels(*outcome_covariate);
      if (std::find(levels.begin(), levels.end(), wanted.event) == levels.end()) {
        problems.push_back(problem_at(
            "/options/outcome/event", "unknown_level",
            "the covariate " + in_quotes(wanted.covariate) + " never takes the value " + in_quotes(wanted.event)));
      } else if (levels.size() != 2) {
        problems.push_back(problem_at("/options/outcome/covariate", "outcome_not_binary",
                                      "the outcome covariate " + in_quotes(wanted.covariate) + " has " +
                                          std::to_string(levels.size()) + " levels; it needs exactly two"));
      }
    }
  } else {
    subscale = instrument.subscale_index(wanted.subscale);
    if (!subscale) {
      problems.push_back(
          problem_at("/options/outcome/subscale", "unknown_subscale",
                     "instrument \"" + instrument.id + "\" has no subscale " + in_quotes(wanted.subscale)));
    } else if (wanted.kind == ModelOutcome::Kind::subscale_bands) {
      const auto& bands = instrument.subscales[*subscale].bands;
      if (wanted.bands.empty()) {
        problems.push_back(problem_at("/options/outcome/bands", "no_bands", "name at least one band"));
      }
      for (std::size_t i = 0; i < wanted.bands.size(); ++i) {
        if (std::none_of(bands.begin(), bands.end(), [&](const Band& b) { return b.label == wanted.bands[i]; })) {
          problems.push_back(
              problem_at(pointer_append("/options/outcome/bands", i), "unknown_band",
                         "subscale " + in_quotes(wanted.subscale) + " has no band " + in_quotes(wanted.bands[i])));
        }
      }
    } else if (!std::isfinite(wanted.at_least)) {
      problems.push_back(problem_at("/options/outcome/at_least", "out_of_range", "at_least must be a number"));
    }
  }

  // The predictors and their reference levels.
  std::vector<const Covariate*> predictors;
  if (options.predictors.empty()) {
    problems.push_back(problem_at("/options/predictors", "no_predictors", "name at least one predictor covariate"));
  }
  for (std::size_t i = 0; i < options.predictors.size(); ++i) {
    const std::string& name = options.predictors[i];
    const std::string pointer = pointer_append("/options/predictors", i);
    const Covariate* covariate = responses.covariate(name);
    if (!covariate) {
      std::string known;
      for (const auto& c : responses.covariates) known += (known.empty() ? "" : ", ") + in_quotes(c.name);
      problems.push_back(problem_at(pointer, "unknown_covariate",
                                    "the responses have no covariate " + in_quotes(name) +
                                        (known.empty() ? std::string("; they carry none") : "; they have " + known)));
    } else if (std::find(options.predictors.begin(), options.predictors.begin() + static_cast<std::ptrdiff_t>(i),
                         name) != options.predictors.begin() + static_cast<std::ptrdiff_t>(i)) {
      problems.push_back(problem_at(pointer, "duplicate_predictor", in_quotes(name) + " is named twice"));
    } else if (outcome_covariate && name == outcome_covariate->name) {
      problems.push_back(problem_at(pointer, "predictor_is_outcome", in_quotes(name) + " is the outcome"));
    } else {
      predictors.push_back(covariate);
    }
  }
  std::map<std::string, std::string> reference;
  for (const auto& [name, level] : options.reference) {
    const std::string pointer = pointer_append("/options/reference", name);
    const Covariate* covariate = responses.covariate(name);
    if (std::find(options.predictors.begin(), options.predictors.end(), name) == options.predictors.end() ||
        !covariate) {
      problems.push_back(problem_at(pointer, "not_a_predictor",
                                    "a reference level for " + in_quotes(name) + ", which is no predictor"));
    } else if (covariate->numeric) {
      problems.push_back(problem_at(pointer, "reference_for_numeric",
                                    in_quotes(name) + " holds numbers; only a categorical predictor has levels"));
    } else if (const auto levels = all_levels(*covariate);
               std::find(levels.begin(), levels.end(), level) == levels.end()) {
      std::string known;
      for (const auto& l : levels) known += (known.empty() ? "" : ", ") + in_quotes(l);
      problems.push_back(problem_at(
          pointer, "unknown_level",
          "the level " + in_quotes(level) + " does not occur in " + in_quotes(name) + "; its levels are " + known));
    } else {
      reference[name] = level;
    }
  }
  if (!problems.empty()) return std::unexpected(detail::invalid_request(std::move(problems), "model request"));

  // Outcome per respondent.
  ModelReport report;
  report.ci_level = options.ci_level;
  Outcome outcome;
  outcome.values.assign(n_all, -1);
  std::vector<std::size_t> usable;
  for (std::size_t r = 0; r < n_all; ++r) {
    if (responses.usable(r)) {
      usable.push_back(r);
    } else {
      ++report.excluded_errors;
    }
  }
  if (subscale) {
    const Subscale& definition = instrument.subscales[*subscale];
    const ScoreTable table = score(instrument, responses);
    if (wanted.kind == ModelOutcome::Kind::subscale_at_least) {
      outcome.label = definition.id + " >= " + number_text(wanted.at_least);
    } else {
      outcome.label = definition.id + " in ";
      for (std::size_t i = 0; i < wanted.bands.size(); ++i) outcome.label += (i ? ", " : "") + wanted.bands[i];
    }
    for (std::size_t r : usable) {
      const SubscaleScore& s = table.at(r, *subscale);
      if (!s.value) continue;
      if (wanted.kind == ModelOutcome::Kind::subscale_at_least) {
        outcome.values[r] = *s.value >= wanted.at_least ? 1 : 0;
      } else {
        const bool in = s.band && std::find(wanted.bands.begin(), wanted.bands.end(),
                                            definition.bands[*s.band].label) != wanted.bands.end();
        outcome.values[r] = in ? 1 : 0;
      }
    }
  } else {
    outcome.label = outcome_covariate->name + " = " + wanted.event;
    for (std::size_t r : usable) {
      if (outcome_covariate->missing(r)) continue;
      outcome.values[r] = outcome_covariate->labels[r] == wanted.event ? 1 : 0;
    }
  }
  report.outcome_label = outcome.label;

  // Complete cases and the model matrix's columns.
  std::vector<std::size_t> rows;
  for (std::size_t r : usable) {
    if (outcome.values[r] < 0) continue;
    if (std::any_of(predictors.begin(), predictors.end(), [&](const Covariate* c) { return c->missing(r); })) continue;
    rows.push_back(r);
  }
  report.excluded_missing = usable.size() - rows.size();
  report.n = rows.size();
  for (std::size_t r : rows) report.events += static_cast<std::size_t>(outcome.values[r]);

  std::vector<std::string> terms{"(Intercept)"};
  std::vector<int> owner{-1};  // predictor index of each column
  std::vector<std::vector<std::string>> levels(predictors.size());
  for (std::size_t k = 0; k < predictors.size(); ++k) {
    const Covariate& c = *predictors[k];
    const std::string pointer = pointer_append("/options/predictors", k);
    if (c.numeric) {
      terms.push_back(c.name);
      owner.push_back(static_cast<int>(k));
      continue;
    }
    const auto found = reference.find(c.name);
    levels[k] = levels_of(c, rows, found == reference.end() ? nullptr : &found->second);
    if (found != reference.end() && (levels[k].empty() || levels[k].front() != found->second)) {
      problems.push_back(problem_at(pointer_append("/options/reference", c.name), "reference_not_in_model",
                                    "the reference level " + in_quotes(found->second) +
                                        " occurs only in respondents left out for a missing value"));
    }
    if (levels[k].size() < 2) {
      problems.push_back(problem_at(pointer, "single_level",
                                    in_quotes(c.name) + " takes one value only among the respondents with every "
                                                        "variable present; it cannot explain anything"));
    } else if (levels[k].size() > kMaxLevels) {
      problems.push_back(problem_at(pointer, "too_many_levels",
                                    in_quotes(c.name) + " has " + std::to_string(levels[k].size()) +
                                        " levels (at most " + std::to_string(kMaxLevels) +
                                        "); is it a number with some text in it?"));
    }
    for (std::size_t l = 1; l < levels[k].size(); ++l) {
      terms.push_back(c.name + levels[k][l]);
      owner.push_back(static_cast<int>(k));
    }
  }
  if (report.events == 0 || report.events == report.n) {
    problems.push_back(problem_at("/options/outcome", "one_class",
                                  "the outcome " + in_quotes(outcome.label) + " is " +
                                      (report.events == 0 ? "never" : "always") + " met among the " +
                                      std::to_string(report.n) +
                                      " respondents with every variable present; a model needs both classes"));
  } else if (report.n <= terms.size()) {
    problems.push_back(problem_at("/options/predictors", "too_few_respondents",
                                  std::to_string(report.n) + " respondents with every variable present for " +
                                      std::to_string(terms.size()) + " coefficients"));
  }
  if (!problems.empty()) return std::unexpected(detail::invalid_request(std::move(problems), "model request"));

  const auto n = static_cast<Eigen::Index>(rows.size());
  const auto p = static_cast<Eigen::Index>(terms.size());
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(n, p);
  Eigen::VectorXd y(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const std::size_t r = rows[static_cast<std::size_t>(i)];
    y(i) = outcome.values[r];
    x(i, 0) = 1;
    Eigen::Index column = 1;
    for (std::size_t k = 0; k < predictors.size(); ++k) {
      const Covariate& c = *predictors[k];
      if (c.numeric) {
        x(i, column++) = c.numbers[r];
        continue;
      }
      for (std::size_t l = 1; l < levels[k].size(); ++l) x(i, column++) = c.labels[r] == levels[k][l] ? 1.0 : 0.0;
    }
  }
  detail::LogisticOptions fit_options;
  fit_options.ci_level = options.ci_level;
  fit_options.profile = options.profile;
  const detail::LogisticFit fit = detail::fit_logistic(x, y, fit_options);

  LogisticSummary& summary = report.logistic;
  const auto exp_of = [](Statistic value) -> Statistic {
    if (!value) return std::nullopt;
    return defined(std::exp(*value));
  };
  for (Eigen::Index j = 0; j < p; ++j) {
    ModelCoefficient c;
    c.term = terms[static_cast<std::size_t>(j)];
    c.estimate = defined(fit.coefficients(j));
    c.se = defined(fit.standard_errors(j));
    c.z = defined(fit.z(j));
    c.p = defined(fit.p(j));
    c.odds_ratio = exp_of(c.estimate);
    c.wald = {exp_of(defined(fit.wald_lower(j))), exp_of(defined(fit.wald_upper(j)))};
    c.profile = {exp_of(fit.profile_lower[static_cast<std::size_t>(j)]),
                 exp_of(fit.profile_upper[static_cast<std::size_t>(j)])};
    summary.coefficients.push_back(std::move(c));
  }
  summary.deviance = fit.deviance;
  summary.null_deviance = fit.null_deviance;
  summary.df_residual = static_cast<std::size_t>(fit.df_residual);
  summary.df_null = static_cast<std::size_t>(fit.df_null);
  summary.aic = fit.aic;
  summary.lr_chi_squared = fit.lr_chi_squared;
  summary.lr_df = static_cast<std::size_t>(fit.lr_df);
  summary.lr_p = defined(fit.lr_p);
  summary.nagelkerke_r2 = defined(fit.nagelkerke_r2);
  summary.iterations = fit.iterations;
  summary.converged = fit.converged;
  summary.separation = fit.separation != detail::Separation::kNone;

  std::vector<std::string>& warnings = report.warnings;
  warnings.insert(warnings.end(), responses.warnings.begin(), responses.warnings.end());
  if (report.excluded_errors > 0) {
    warnings.push_back(std::to_string(report.excluded_errors) + " respondent(s) with answer errors are left out");
  }
  if (report.excluded_missing > 0) {
    warnings.push_back(std::to_string(report.excluded_missing) +
                       " respondent(s) without the outcome or a predictor are left out of the model (R's na.omit); "
                       "the association tables use every respondent with the outcome and that covariate");
  }
  if (summary.separation) {
    summary.separation_kind = fit.separation == detail::Separation::kComplete ? "complete" : "quasi-complete";
    std::string affected_terms;
    for (Eigen::Index j : fit.separated_columns) {
      const int k = owner[static_cast<std::size_t>(j)];
      const std::string name = k < 0 ? "(Intercept)" : predictors[static_cast<std::size_t>(k)]->name;
      if (k >= 0 && std::find(summary.separated_predictors.begin(), summary.separated_predictors.end(), name) ==
                        summary.separated_predictors.end()) {
        summary.separated_predictors.push_back(name);
      }
      affected_terms += (affected_terms.empty() ? "" : ", ") + terms[static_cast<std::size_t>(j)];
    }
    std::string named;
    for (const auto& name : summary.separated_predictors) named += (named.empty() ? "" : ", ") + in_quotes(name);
    if (named.empty()) named = "the predictors together";
    warnings.push_back(summary.separation_kind + " separation: " + named +
                       " split events from non-events, so the estimates of " + affected_terms +
                       " are infinite (R's glm stops at large values); their Wald statistics mean nothing and their "
                       "profile intervals are null. Merge sparse levels, drop the predictor, or use a penalised "
                       "(Firth) model");
  } else if (fit.fitted_extreme) {
    warnings.push_back("fitted probabilities numerically 0 or 1 occurred (R's warning)");
  }
  if (!fit.converged) {
    warnings.push_back("the fit did not converge in " + std::to_string(fit.iterations) +
                       " iterations (R: glm.fit: algorithm did not converge)");
  }
  if (!fit.aliased.empty()) {
    std::string list;
    for (Eigen::Index j : fit.aliased) list += (list.empty() ? "" : ", ") + terms[static_cast<std::size_t>(j)];
    warnings.push_back("coefficients not defined because of singularities (R's NA): " + list);
  }
  const std::size_t smaller_class = std::min(report.events, report.n - report.events);
  const auto slopes = static_cast<double>(std::max<Eigen::Index>(fit.rank - 1, 1));
  const double per_predictor = static_cast<double>(smaller_class) / slopes;
  if (per_predictor < kMinEventsPerCoefficient) {
    warnings.push_back(number_text(std::round(per_predictor * 10) / 10) +
                       " events per predictor coefficient (the smaller outcome class over the " + number_text(slopes) +
                       " non-intercept coefficients), fewer than 10: estimates may be biased and intervals unreliable");
  }

  for (std::size_t k = 0; k < predictors.size(); ++k) {
    if (predictors[k]->numeric) continue;
    const auto found = reference.find(predictors[k]->name);
    report.associations.push_back(associate(*predictors[k], outcome.values, usable,
                                            found == reference.end() ? nullptr : &found->second, warnings));
  }
  return report;
}

}  // namespace psyscore
