// `psyscore model`: which covariates go with a binary outcome (logistic
// regression, chi-squared and Fisher per factor); the output is byte for byte
// the body of POST /v1/instruments/{id}/model.

#include <algorithm>
#include <iostream>

#include "commands.hpp"
#include "psyscore/model.hpp"

namespace psyscore::cli {

namespace {

void add_once(std::vector<std::string>& list, const std::string& name) {
  if (std::ranges::find(list, name) == list.end()) list.push_back(name);
}

}  // namespace

std::optional<ModelOptions> model_engine_options(const Instrument& instrument, const ModelCommandOptions& options,
                                                 CsvOptions& csv) {
  ModelOptions engine;
  auto outcome = parse_model_outcome(instrument, options.outcome);
  if (!outcome) {
    std::cerr << "error: --outcome: " << outcome.error().message << '\n';
    return std::nullopt;
  }
  engine.outcome = std::move(*outcome);
  engine.predictors = options.predictors;
  for (const std::string& text : options.references) {
    auto reference = parse_model_reference(text);
    if (!reference) {
      std::cerr << "error: --reference: " << reference.error().message << '\n';
      return std::nullopt;
    }
    engine.reference.push_back(std::move(*reference));
  }
  engine.ci_level = options.ci_level;
  engine.profile = !options.no_profile;

  // The columns to read as covariates: those named, the predictors and an
  // outcome covariate.
  csv.covariate_columns = options.covariates;
  for (const std::string& predictor : engine.predictors) add_once(csv.covariate_columns, predictor);
  if (engine.outcome.kind == ModelOutcome::Kind::covariate) add_once(csv.covariate_columns, engine.outcome.covariate);
  return engine;
}

int model(const Context& context, const ModelCommandOptions& options) {
  auto instrument = resolve_instrument(context, options.instrument);
  if (!instrument) return report(instrument.error());
  CsvOptions csv = csv_options(options.id_column, options.column_prefix);
  const auto engine = model_engine_options(**instrument, options, csv);
  if (!engine) return kUsage;
  auto responses = read_responses(**instrument, options.data, csv);
  if (!responses) return report(responses.error(), options.data);

  auto result = psyscore::model(**instrument, *responses, *engine);
  if (!result) return report(result.error(), options.data);
  std::cout << encode_model_result(**instrument, *result);
  return kSuccess;
}

}  // namespace psyscore::cli
