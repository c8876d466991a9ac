// Writing FHIR R4 resources: what the FHIR encoders share with the tests.
// Private to the engine; the entry points are in psyscore/fhir.hpp.
#pragma once

#include <string>
#include <string_view>

#include "psyscore/fhir.hpp"
#include "scoring/util/json_writer.hpp"

namespace psyscore::detail {

// Writes a Coding object: {"system", "code", "display"} (empty fields left out).
void write_coding(JsonWriter& writer, const FhirCoding& coding);

// The OperationOutcome issue type (R4 IssueType) for a psyscore issue or
// problem code: "not-found", "incomplete", "invalid", "structure", ...
std::string_view fhir_issue_type(std::string_view psyscore_code, std::string_view severity = "error");

// The code system of psyscore's issue and problem codes in
// OperationOutcome.issue.details.
inline constexpr std::string_view kIssueSystem = "http://psyscore.org/fhir/CodeSystem/issue";

}  // namespace psyscore::detail
