#include "fhir_support.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <utility>

#include "fixtures.hpp"

namespace psyscore::test {

namespace {

const std::vector<std::string> kPhq9Codes = {"44250-9", "44255-8", "44259-0", "44254-1", "44251-7",
                                             "44258-2", "44252-5", "44253-3", "44260-8"};
const std::vector<std::pair<std::string, std::string>> kFrequency = {{"LA6568-5", "Not at all"},
                                                                     {"LA6569-3", "Several days"},
                                                                     {"LA6570-1", "More than half the days"},
                                                                     {"LA6571-9", "Nearly every day"}};

}  // namespace

const FhirRegistry& bundled_fhir_registry() {
  static const FhirRegistry registry = [] {
    auto loaded = Registry::load_directory(source_dir() / "instruments");
    if (!loaded) throw std::runtime_error(loaded.error().message);
    return FhirRegistry(std::move(*loaded));
  }();
  return registry;
}

Result<FhirWave> decode(const FhirRegistry& registry, std::string_view body) {
  return decode_fhir_responses(registry.registry(), body);
}

Result<FhirWave> decode_as(const FhirRegistry& registry, std::string_view id, std::string_view body) {
  return decode_fhir_responses(registry.find(id), body);
}

std::string phq9_response(std::string_view id, std::string_view status, std::string_view first_item) {
  const std::vector<int> answers = {1, 2, 0, 3, 1, 1, 2, 0, 1};
  std::string out = R"({"resourceType":"QuestionnaireResponse","id":")" + std::string(id) +
                    R"(","questionnaire":"http://loinc.org/q/44249-1","status":")" + std::string(status) +
                    R"(","subject":{"reference":"Patient/)" + std::string(id) + R"("},"item":[)";
  for (std::size_t i = 0; i < answers.size(); ++i) {
    if (i) out += ",";
    if (i == 0 && !first_item.empty()) {
      out += first_item;
      continue;
    }
    out += R"({"linkId":"/)" + kPhq9Codes[i] + R"(","answer":[{"valueCoding":{"system":"http://loinc.org","code":")" +
           kFrequency[answers[i]].first + R"("}}]})";
  }
  return out + "]}";
}

std::string phq9_coded_response(std::string_view id, const std::vector<int>& answers, int style) {
  std::string out =
      R"({"resourceType":"QuestionnaireResponse","id":")" + std::string(id) +
      R"(","questionnaire":"http://loinc.org/q/44249-1","status":"completed","subject":{"reference":"Patient/)" +
      std::string(id) + R"("},"authored":"2026-11-30T10:00:00Z","item":[)";
  bool first = true;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    if (answers[i] < 0) continue;
    out += first ? "" : ",";
    first = false;
    const auto& [code, display] = kFrequency[static_cast<std::size_t>(answers[i])];
    std::string coding = R"({"system":"http://loinc.org","code":")" + code + R"(","display":")" + display + "\"";
    if (style == 1 || style == 2) {
      coding += R"(,"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/)" +
                std::string(style == 1 ? "itemWeight" : "ordinalValue") + R"(","valueDecimal":)" +
                std::to_string(answers[i]) + "}]";
    }
    coding += "}";
    const std::string link = style == 0 ? "/" + kPhq9Codes[i] : style == 1 ? kPhq9Codes[i] : std::to_string(i + 1);
    out += R"({"linkId":")" + link + R"(","answer":[{"valueCoding":)" + coding + "}]}";
  }
  return out + "]}";
}

std::string bundle_of(const std::vector<std::string>& resources) {
  std::string out = R"({"resourceType":"Bundle","type":"collection","entry":[)";
  for (std::size_t i = 0; i < resources.size(); ++i) {
    if (i) out += ",";
    out += R"({"resource":)" + resources[i] + "}";
  }
  return out + "]}";
}

void keep_for_schema_check(std::string_view name, std::string_view resource) {
  const char* dir = std::getenv("PSYSCORE_FHIR_OUT");
  if (!dir || !*dir) return;
  std::filesystem::create_directories(dir);
  std::ofstream(std::filesystem::path(dir) / (std::string(name) + ".json"), std::ios::binary) << resource;
}

}  // namespace psyscore::test
