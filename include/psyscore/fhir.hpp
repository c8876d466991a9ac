// FHIR R4: QuestionnaireResponses in, Observations and Questionnaires out.
//
// A request body is one QuestionnaireResponse or a Bundle of them. Each is
// matched to the instrument (by its `questionnaire`, or because the caller
// named the instrument), its answers are read into a wave (valueInteger,
// valueDecimal, or valueCoding through its itemWeight or ordinalValue
// extension or the definition's code map), and the wave is scored as any
// other. The result is a Bundle of Observations, one per response and
// subscale, with an OperationOutcome for each response that could not be
// scored. The rules are in docs/fhir.md.
//
//   auto wave = psyscore::decode_fhir_responses(registry, body);
//   if (!wave) return psyscore::encode_fhir_operation_outcome(wave.error());
//   psyscore::ScoreTable table = psyscore::score(*wave->instrument, wave->responses);
//   std::string bundle = psyscore::encode_fhir_observations(*wave, table);
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "psyscore/errors.hpp"
#include "psyscore/fhir_binding.hpp"
#include "psyscore/instrument.hpp"
#include "psyscore/responses.hpp"
#include "psyscore/scoring.hpp"

namespace psyscore {

// The Questionnaire url of an instrument: its `fhir.url`, or
// "http://psyscore.org/fhir/Questionnaire/{id}".
std::string fhir_questionnaire_url(const Instrument& instrument);

// Whether a response citing `canonical` (a `questionnaire` value: a
// canonical url, optionally with "|version", or a reference ending in
// "Questionnaire/{id}") is a response to this instrument: its own url (and,
// when a version is given, its version), one of `fhir.questionnaire`, or a
// Questionnaire whose id is the instrument id or the panel code.
bool fhir_cites_instrument(const Instrument& instrument, std::string_view canonical);

// A FHIR Reference as the response gave it (only its plain fields).
struct FhirReference {
  std::string reference;
  std::string type;
  std::string identifier_system;
  std::string identifier_value;
  std::string display;
};

// Why a response, or one of its answers, could not be used; or, with
// severity "warning", something the caller should know.
struct FhirIssue {
  std::string severity = "error";  // "error" (the response is not scored) or "warning"
  std::string code;                // psyscore code: unknown_item, unmapped_code, ... (docs/fhir.md)
  std::string item;                // the item id or linkId concerned; may be empty
  std::string expression;          // FHIRPath of the offending element in the input
  std::string message;             // one sentence, naming the item, never the respondent
};

// One decoded response, row r of FhirWave::responses.
struct FhirResponse {
  std::string reference;  // "QuestionnaireResponse/{id}", else the Bundle entry's fullUrl; may be empty
  std::string location;   // FHIRPath of the response in the input ("Bundle.entry[3].resource")
  std::optional<FhirReference> subject;
  std::string authored;  // FHIR dateTime; may be empty
  std::string status;
  std::vector<FhirIssue> issues;
  // Per subscale: the score the form itself reported (an answer under the
  // subscale's code), compared with psyscore's when encoding.
  std::vector<std::optional<double>> reported;
};

// A wave decoded from FHIR, with what the Observations need of each response.
struct FhirWave {
  InstrumentPtr instrument;
  ResponseMatrix responses;           // ids: subject reference, else the resource id, else its position
  std::vector<FhirResponse> sources;  // one per row of responses
};

// Decodes a QuestionnaireResponse or a Bundle of them, all for the
// instrument whose Questionnaire their `questionnaire` cites.
// Errors: `malformed` (not JSON, not a QuestionnaireResponse or a Bundle of
// them, a field of the wrong type; HTTP 400), `invalid` (a response without
// `questionnaire`, one citing a questionnaire no instrument has, responses to
// different instruments, no response at all; HTTP 422). Each problem has the
// JSON pointer of the offending element. A response whose answers do not fit
// the definition is not an error: its row has issues and AnswerErrors.
Result<FhirWave> decode_fhir_responses(const Registry& registry, std::string_view body);

// The same for a named instrument: a response without `questionnaire` is
// taken to be one to it; one citing another questionnaire is `invalid`.
Result<FhirWave> decode_fhir_responses(const InstrumentPtr& instrument, std::string_view body);

// The instrument as a FHIR R4 Questionnaire (compact JSON, ending in a
// newline): items with linkId = item id, their codes, and answerOptions
// carrying the itemWeight extension.
std::string encode_fhir_questionnaire(const Instrument& instrument);

// A FhirWave for responses that did not come from FHIR (JSON or CSV), so
// that they can be answered with Observations: each respondent becomes a
// subject with identifier.value = its id, without authored or derivedFrom.
FhirWave fhir_wave_of(InstrumentPtr instrument, ResponseMatrix responses);

// A Bundle (type collection) of Observations, one per usable response and
// subscale, and an OperationOutcome per response with issues.
std::string encode_fhir_observations(const FhirWave& wave, const ScoreTable& table);

// An Error as a FHIR OperationOutcome, one issue per problem.
std::string encode_fhir_operation_outcome(const Error& error);

}  // namespace psyscore
