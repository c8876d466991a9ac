// How an instrument appears in FHIR R4: the optional `fhir` block of a
// definition (docs/instruments.md, docs/fhir.md).
//
// It names the Questionnaire (its canonical url and the other canonicals that
// responses may cite, e.g. LOINC's `http://loinc.org/q/44249-1` for PHQ-9),
// the codes of the panel, items and subscales (LOINC where LOINC has them),
// and the codes that coded answers carry with the value each stands for.
//
//   const psyscore::FhirBinding& fhir = instrument->fhir;
//   if (fhir.code) std::cout << fhir.code->system << '|' << fhir.code->code << '\n';
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace psyscore {

// A FHIR Coding: a code in a code system (e.g. system "http://loinc.org",
// code "44261-6"). `display` may be empty.
struct FhirCoding {
  std::string system;
  std::string code;
  std::string display;
  friend bool operator==(const FhirCoding&, const FhirCoding&) = default;
};

// A coded answer and the answer value it stands for (LOINC LA6569-3 "Several
// days" -> 1 on PHQ-9).
struct FhirAnswerCode {
  FhirCoding coding;
  double value = 0;
};

// The `fhir` block of a definition. Every field is optional; an instrument
// without the block still has a Questionnaire (at the default url, items
// coded in psyscore's own code system) and is scored from FHIR.
struct FhirBinding {
  // The Questionnaire's canonical url. Empty: the default,
  // "http://psyscore.org/fhir/Questionnaire/{id}" (fhir_questionnaire_url()).
  std::string url;
  // Other canonicals that name this instrument in a response's
  // `questionnaire` (a version after '|' is ignored for these).
  std::vector<std::string> questionnaire;
  // The code of the whole questionnaire (the LOINC panel).
  std::optional<FhirCoding> code;
  // Per item (indices of Instrument::items): its codes; a response's linkId
  // may be the item id, one of these codes, or "/" + code.
  std::vector<std::vector<FhirCoding>> item_codes;
  // Per subscale (indices of Instrument::subscales): its codes. An
  // Observation's `code` is these (then psyscore's own); a response item with
  // such a linkId is the form's own score, compared, never used.
  std::vector<std::vector<FhirCoding>> subscale_codes;
  // Coded answers and their values, for every item whose scale has the value.
  std::vector<FhirAnswerCode> answers;
  // linkIds or codes of questions that the form asks but no subscale scores
  // (PHQ-9's difficulty question 69722-7): their answers are skipped.
  std::vector<std::string> ignore;
};

}  // namespace psyscore
