// Test helpers for FHIR: the bundled registry with its bindings, responses
// written as LHC-Forms and the SDC examples write them, and a place to leave
// every produced resource for the FHIR schema check (tests/fhir/validate.js).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "psyscore/fhir.hpp"

namespace psyscore::test {

// The bundled instruments.
class FhirRegistry {
 public:
  explicit FhirRegistry(Registry registry) : registry_(std::move(registry)) {}
  InstrumentPtr find(std::string_view id) const { return registry_.find(id); }
  const FhirBinding& binding(std::string_view id) const { return registry_.find(id)->fhir; }
  const Registry& registry() const { return registry_; }

 private:
  Registry registry_;
};

const FhirRegistry& bundled_fhir_registry();

// decode_fhir_responses choosing the instrument by questionnaire, or for
// the named one.
Result<FhirWave> decode(const FhirRegistry& registry, std::string_view body);
Result<FhirWave> decode_as(const FhirRegistry& registry, std::string_view id, std::string_view body);

// A PHQ-9 response (LOINC panel alias, /code linkIds, bare LOINC answer
// codes, answers 1 2 0 3 1 1 2 0 1) with `first_item` (JSON), when given, in
// place of its first item.
std::string phq9_response(std::string_view id, std::string_view status, std::string_view first_item);
// A PHQ-9 response for subject Patient/{id} with these answers (-1: not
// answered), written in style 0 (LHC-Forms codes), 1 (itemWeight) or 2
// (ordinalValue).
std::string phq9_coded_response(std::string_view id, const std::vector<int>& answers, int style);
// A Bundle (type collection) of these resources.
std::string bundle_of(const std::vector<std::string>& resources);

// Leaves a produced resource where `make test` validates it against the
// FHIR R4 JSON schema: $PSYSCORE_FHIR_OUT/<name>.json (nothing when unset).
void keep_for_schema_check(std::string_view name, std::string_view resource);

}  // namespace psyscore::test
