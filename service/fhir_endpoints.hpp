// The FHIR R4 endpoints (docs/fhir.md). They answer in
// application/fhir+json, errors included: a FHIR client reads an
// OperationOutcome, not a problem+json.
#pragma once

#include "request.hpp"
#include "router.hpp"
#include "state.hpp"

namespace psyscore::service {

// GET /v1/instruments/{id}/fhir/Questionnaire: the instrument as a
// Questionnaire; 404 OperationOutcome for an unknown id.
ApiResponse fhir_questionnaire_endpoint(const ServiceState& state, const RequestContext& context);

// POST /v1/fhir/score[?instrument=ID]: a QuestionnaireResponse or a Bundle of
// them scored into a Bundle of Observations; 400, 404, 415 and 422 as
// OperationOutcomes.
ApiResponse fhir_score_endpoint(const ServiceState& state, const RequestContext& context);

}  // namespace psyscore::service
