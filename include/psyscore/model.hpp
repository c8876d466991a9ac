// Cohort factors: which respondent attributes (covariates) go with an outcome,
// as a cross-sectional survey of a Balint programme asks (years of
// participation, obligation to attend, teaching, age ...).
//
// The outcome is binary: a subscale score at or above a value, a subscale
// score in given bands, or one level of a categorical covariate. The model is
// R's glm(outcome ~ predictors, family = binomial) with odds ratios, Wald and
// profile-likelihood (MASS) intervals, the likelihood-ratio test against the
// intercept-only model and Nagelkerke's R squared; each categorical predictor
// is also tabulated against the outcome with chisq.test and fisher.test.
// Formulas and R equivalents: docs/statistics.md ("Cohort factors").
//
//   psyscore::ModelOptions options;
//   options.outcome = psyscore::ModelOutcome::at_least_value("total", 4);
//   options.predictors = {"duration", "teaching", "age"};
//   options.reference = {{"duration", "lt1"}};
//   auto report = psyscore::model(*instrument, wave, options);
//   if (!report) return fail(report.error());
//   std::cout << psyscore::encode_model_result(*instrument, *report);
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "psyscore/errors.hpp"
#include "psyscore/instrument.hpp"
#include "psyscore/responses.hpp"
#include "psyscore/statistic.hpp"

namespace psyscore {

struct ModelOutcome {
  enum class Kind { subscale_at_least, subscale_bands, covariate };
  Kind kind = Kind::subscale_at_least;
  std::string subscale;            // subscale_at_least and subscale_bands: a subscale id
  double at_least = 0;             // subscale_at_least: event when value >= at_least
  std::vector<std::string> bands;  // subscale_bands: event when the score's band is one of these labels
  std::string covariate;           // covariate: a categorical covariate with two levels
  std::string event;               // covariate: the level that is the event

  static ModelOutcome at_least_value(std::string subscale_id, double value) {
    ModelOutcome o;
    o.kind = Kind::subscale_at_least;
    o.subscale = std::move(subscale_id);
    o.at_least = value;
    return o;
  }
  static ModelOutcome in_bands(std::string subscale_id, std::vector<std::string> labels) {
    ModelOutcome o;
    o.kind = Kind::subscale_bands;
    o.subscale = std::move(subscale_id);
    o.bands = std::move(labels);
    return o;
  }
  static ModelOutcome covariate_level(std::string name, std::string level) {
    ModelOutcome o;
    o.kind = Kind::covariate;
    o.covariate = std::move(name);
    o.event = std::move(level);
    return o;
  }
};

struct ModelOptions {
  ModelOutcome outcome;
  // Covariate names, in model order. Required: at least one.
  std::vector<std::string> predictors;
  // Reference level per categorical predictor. Default: the first level in
  // byte order (R's default under the C locale).
  std::vector<std::pair<std::string, std::string>> reference;
  // Level of the Wald and profile intervals, in (0, 1). Default: 0.95.
  double ci_level = 0.95;
  // Default: true. Profile-likelihood intervals (two short series of refits
  // per coefficient); off, `profile` is null everywhere.
  bool profile = true;
};

struct ModelInterval {
  Statistic lower;
  Statistic upper;
};

struct ModelCoefficient {
  std::string term;    // R's name: "(Intercept)", "duration5plus", "age"
  Statistic estimate;  // log odds (ratio); nullopt when aliased (R's NA)
  Statistic se;
  Statistic z;
  Statistic p;
  Statistic odds_ratio;   // exp(estimate)
  ModelInterval wald;     // odds-ratio scale: exp of confint.default
  ModelInterval profile;  // odds-ratio scale: exp of MASS::confint; null when separation affects the term
};

struct LogisticSummary {
  std::vector<ModelCoefficient> coefficients;
  double deviance = 0;
  double null_deviance = 0;
  std::size_t df_residual = 0;
  std::size_t df_null = 0;
  double aic = 0;
  double lr_chi_squared = 0;
  std::size_t lr_df = 0;
  Statistic lr_p;
  Statistic nagelkerke_r2;
  int iterations = 0;
  bool converged = false;
  bool separation = false;
  std::string separation_kind;                    // "complete", "quasi-complete" or empty
  std::vector<std::string> separated_predictors;  // covariate names (or "(Intercept)")
};

struct Association {
  std::string covariate;
  std::vector<std::string> levels;                // rows, reference level first
  std::vector<std::array<std::size_t, 2>> table;  // per level: {no event, event}
  Statistic chi_squared;
  std::size_t df = 0;
  Statistic chi_squared_p;
  bool correct = false;  // Yates (2 x 2 tables, as R)
  Statistic fisher_p;    // null when the exact enumeration is beyond its limit
  Statistic min_expected;
};

// Fewer events (of the smaller outcome class) than this per estimable
// non-intercept coefficient gives a warning: estimates may be biased.
inline constexpr double kMinEventsPerCoefficient = 10;

struct ModelReport {
  std::string outcome_label;  // "total >= 4", "EE in high", "wellbeing_high = yes"
  std::size_t n = 0;          // complete cases in the model
  std::size_t events = 0;
  std::size_t excluded_missing = 0;  // usable respondents without an outcome or a predictor
  std::size_t excluded_errors = 0;   // respondents with answer errors
  double ci_level = 0.95;
  LogisticSummary logistic;
  std::vector<Association> associations;  // one per categorical predictor, in predictor order
  std::vector<std::string> warnings;
};

// Fits the model. Problems are located by JSON pointers into a request body
// ("/options/predictors/1", "/options/reference/duration", "/options/outcome").
//
// Errors (ErrorCode::invalid): ci_level outside (0, 1); no predictors; an
// unknown subscale, band or covariate; a predictor named twice or that is the
// outcome; a reference level that does not occur (or given for a numeric or
// unused covariate); an outcome covariate that is numeric or has other than
// two levels; an outcome with one class only among the complete cases; a
// categorical predictor with one level only there; more coefficients than
// complete cases allow. Thread-safe: no shared state.
Result<ModelReport> model(const Instrument& instrument, const ResponseMatrix& responses, const ModelOptions& options);

// The outcome written as text (CLI --outcome, the query parameter outcome):
// "total>=4" (a subscale at or above a value), "EE=high" or "EE=high,moderate"
// (a subscale in these bands, when EE is a subscale of `instrument`),
// "wellbeing=yes" (a covariate's event level; "covariate:EE=yes" forces a
// covariate whose name is also a subscale's). Errors: ErrorCode::malformed.
Result<ModelOutcome> parse_model_outcome(const Instrument& instrument, std::string_view text);

// A reference level written as "duration=lt1". Errors: ErrorCode::malformed.
Result<std::pair<std::string, std::string>> parse_model_reference(std::string_view text);

// The model result of docs/api.md: instrument, ci_level, outcome, logistic,
// associations, warnings (as every encoder: compact JSON and a newline).
std::string encode_model_result(const Instrument& instrument, const ModelReport& report);

}  // namespace psyscore
