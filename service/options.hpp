// Decoding the "options" of analysis requests, from a JSON body or (for
// text/csv bodies) from the query string. Wrong types are ErrorCode::malformed
// (400) and impossible values ErrorCode::invalid (422), each with the JSON
// pointer (or query parameter) at fault.
#pragma once

#include <boost/json/object.hpp>

#include "psyscore/change.hpp"
#include "psyscore/compare.hpp"
#include "psyscore/controlled.hpp"
#include "psyscore/model.hpp"
#include "psyscore/reliability.hpp"
#include "request.hpp"

namespace psyscore::service {

// Options come in the body's "options" object; every option is optional.
Result<ReliabilityOptions> reliability_options(const boost::json::object& body, const ServiceLimits& limits);
Result<ReliabilityOptions> reliability_options(const RequestContext& context, const ServiceLimits& limits);
Result<ChangeOptions> change_options(const boost::json::object& body);
Result<ControlledOptions> controlled_options(const boost::json::object& body);
Result<CompareOptions> compare_options(const boost::json::object& body);
Result<CompareOptions> compare_options(const RequestContext& context);
// "outcome" and "predictors" are required.
Result<ModelOptions> model_options(const boost::json::object& body);
// The options of a one-wave report: those of reliability and, when any of
// "outcome", "predictors", "reference" or "profile" is given, those of model
// ("ci_level" serves both). An option of neither is unknown_key.
struct WaveReportOptions {
  ReliabilityOptions reliability;
  std::optional<ModelOptions> model;
};
Result<WaveReportOptions> wave_report_options(const boost::json::object& body, const ServiceLimits& limits);
// From the query of a text/csv body: outcome (text form, parse_model_outcome),
// predictors and covariate_columns (comma lists, repeatable), reference
// (NAME=LEVEL, repeatable), ci_level, profile. `covariate_columns` gets the
// CSV columns to read: those named, the predictors and an outcome covariate.
Result<ModelOptions> model_options(const RequestContext& context, const Instrument& instrument,
                                   std::vector<std::string>& covariate_columns);

}  // namespace psyscore::service
