#include "fhir_endpoints.hpp"

#include <string>

#include "problem.hpp"
#include "psyscore/fhir.hpp"
#include "psyscore/scoring.hpp"

namespace psyscore::service {

namespace {

constexpr std::string_view kFhirJson = "application/fhir+json";

ApiResponse fhir_response(int status, std::string body, std::size_t respondents = 0) {
  ApiResponse response;
  response.status = status;
  response.content_type = std::string(kFhirJson);
  response.body = std::move(body);
  response.respondents = respondents;
  return response;
}

ApiResponse outcome(const Error& error) {
  return fhir_response(status_of(error.code), encode_fhir_operation_outcome(error));
}

ApiResponse outcome(int status, ErrorCode code, std::string problem_code, std::string message,
                    std::string pointer = {}) {
  Error error = Error::single(code, Problem{.source = {},
                                            .pointer = std::move(pointer),
                                            .line = 0,
                                            .column = 0,
                                            .code = std::move(problem_code),
                                            .message = std::move(message)});
  ApiResponse response = outcome(error);
  response.status = status;
  return response;
}

}  // namespace

ApiResponse fhir_questionnaire_endpoint(const ServiceState& state, const RequestContext& context) {
  const auto instrument = state.registry()->find(context.instrument_id);
  if (!instrument) {
    return outcome(404, ErrorCode::not_found, "unknown_instrument",
                   "No instrument \"" + context.instrument_id + "\" (GET /v1/instruments lists them).");
  }
  return fhir_response(200, encode_fhir_questionnaire(*instrument));
}

ApiResponse fhir_score_endpoint(const ServiceState& state, const RequestContext& context) {
  if (context.media_type != kFhirJson && !context.is_json()) {
    return outcome(415, ErrorCode::malformed, "unsupported_media_type",
                   "Send the body as application/fhir+json (or application/json)" +
                       (context.media_type.empty() ? std::string(" (the request has no Content-Type).")
                                                   : " (the request's Content-Type is " + context.media_type + ")."));
  }
  for (const auto& [name, value] : context.query) {
    if (name != "instrument") {
      return outcome(400, ErrorCode::malformed, "unknown_parameter",
                     "Unknown query parameter \"" + name + "\"; this endpoint takes instrument=ID.");
    }
  }
  const auto registry = state.registry();
  Result<FhirWave> wave = std::unexpected(Error{});
  if (const auto id = context.parameter("instrument")) {
    auto instrument = registry->find(*id);
    if (!instrument) {
      return outcome(404, ErrorCode::not_found, "unknown_instrument",
                     "No instrument \"" + std::string(*id) + "\" (GET /v1/instruments lists them).");
    }
    wave = decode_fhir_responses(std::move(instrument), context.body);
  } else {
    wave = decode_fhir_responses(*registry, context.body);
  }
  if (!wave) return outcome(wave.error());
  const std::size_t respondents = wave->responses.respondent_count();
  if (respondents > state.limits().max_respondents) {
    return outcome(422, ErrorCode::invalid, "too_many_respondents",
                   "The Bundle has " + std::to_string(respondents) + " QuestionnaireResponses; at most " +
                       std::to_string(state.limits().max_respondents) +
                       " per request (--max-respondents): split the Bundle.",
                   "/entry");
  }
  const ScoreTable table = score(*wave->instrument, wave->responses);
  return fhir_response(200, encode_fhir_observations(*wave, table), respondents);
}

}  // namespace psyscore::service
