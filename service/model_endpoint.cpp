// POST /v1/instruments/{id}/model and /v1/model: cohort factors, a logistic
// regression of an outcome on respondent covariates with the tables of each
// categorical predictor, from a JSON wave with "covariates" or a CSV wave
// whose covariate columns the query names.

#include <boost/json.hpp>

#include "endpoints.hpp"
#include "options.hpp"
#include "problem.hpp"
#include "psyscore/json.hpp"
#include "psyscore/model.hpp"

namespace psyscore::service {

ApiResponse model_endpoint(const ServiceState& state, const RequestContext& context) {
  if (context.is_csv() && !context.instrument_id.empty()) {
    auto instrument = resolve_instrument(state, context, nullptr);
    if (!instrument) return problem(instrument.error());
    std::vector<std::string> covariate_columns;
    auto options = model_options(context, **instrument, covariate_columns);
    if (!options) return problem(options.error());
    auto input = read_csv_body(state, context,
                               {"id_column", "column_prefix", "covariate_columns", "outcome", "predictors", "reference",
                                "ci_level", "profile"},
                               {}, covariate_columns);
    if (!input) return problem(input.error());
    auto report = model(*input->instrument, input->wave, *options);
    if (!report) return problem(report.error());
    return result(encode_model_result(*input->instrument, *report), input->wave.respondent_count());
  }
  JsonBody body(state, context, {"responses", "options"});
  if (body.failure) return std::move(*body.failure);
  auto options = model_options(body.root());
  if (!options) return problem(options.error());
  auto wave = decode_wave(state, body.instrument(), body.root(), "responses");
  if (!wave) return problem(wave.error());
  auto report = model(body.instrument(), *wave, *options);
  if (!report) return problem(report.error());
  return result(encode_model_result(body.instrument(), *report), wave->respondent_count());
}

}  // namespace psyscore::service
