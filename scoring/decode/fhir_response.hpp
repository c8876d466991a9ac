// Reading FHIR R4 QuestionnaireResponses into a wave: what the decoder
// shares with the FHIR encoders and the tests. Private to the engine.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "psyscore/fhir.hpp"

namespace psyscore::detail {

// Code systems and extensions psyscore reads and writes.
inline constexpr std::string_view kLoincSystem = "http://loinc.org";
inline constexpr std::string_view kUcumSystem = "http://unitsofmeasure.org";
inline constexpr std::string_view kItemWeightUrl = "http://hl7.org/fhir/StructureDefinition/itemWeight";
inline constexpr std::string_view kOrdinalValueUrl = "http://hl7.org/fhir/StructureDefinition/ordinalValue";
// The questionnaire url of an instrument without `fhir.url` is this + id.
inline constexpr std::string_view kQuestionnaireBase = "http://psyscore.org/fhir/Questionnaire/";
// Subscale codes of an instrument without LOINC codes: this + id.
inline constexpr std::string_view kCodeSystemBase = "http://psyscore.org/fhir/CodeSystem/";
// psyscore's code system of answer values: the code is the value as written
// in JSON ("0", "2.5"). Used for the answerOptions of items without a code map.
inline constexpr std::string_view kAnswerValueSystem = "http://psyscore.org/fhir/CodeSystem/answer-value";

// A JSON pointer into a request body as a FHIRPath expression:
// ("Bundle", "/entry/3/resource/item/0") -> "Bundle.entry[3].resource.item[0]".
// An empty root gives a path relative to the body ("entry[3].resource...").
std::string fhirpath_of(std::string_view root, std::string_view pointer);

// FHIR R4's dateTime and id formats (the regular expressions of the spec).
bool is_fhir_date_time(std::string_view text);
bool is_fhir_id(std::string_view text);

// What a response item's linkId stands for.
struct LinkTarget {
  enum class Kind { item, subscale, ignored };
  Kind kind = Kind::item;
  std::size_t index = 0;  // into Instrument::items or Instrument::subscales
};

// Finds the item, subscale or ignored question a linkId names: the item id,
// one of its codes, or "/" + code; failing that, the last segment of a path
// ("/44249-1/44250-9" -> "44250-9"). Built once per request.
class LinkIndex {
 public:
  LinkIndex(const Instrument& instrument, const FhirBinding& fhir);
  std::optional<LinkTarget> find(std::string_view link_id) const;

 private:
  void add(std::string key, LinkTarget target);
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, LinkTarget, Hash, std::equal_to<>> targets_;
};

// The values of coded answers: the definition's code map and psyscore's
// answer-value codes.
class AnswerCodes {
 public:
  explicit AnswerCodes(const FhirBinding& fhir);
  // The value of (system, code); a coding without a system matches a code
  // that only one system in the map has.
  std::optional<double> find(std::string_view system, std::string_view code) const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, double, Hash, std::equal_to<>> by_system_and_code_;      // "system|code"
  std::unordered_map<std::string, std::optional<double>, Hash, std::equal_to<>> by_code_;  // nullopt: ambiguous
};

}  // namespace psyscore::detail
