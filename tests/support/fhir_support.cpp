#include "fhir_support.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "fixtures.hpp"

namespace psyscore::test {

namespace {

const std::vector<std::string> kPhq9Codes = {"44250-9", "44255-8", "44259-0", "44254-1", "44251-7",
                                             "44258-2", "44252-5", "44253-3", "44260-8"};
const std::vector<std::pair<std::string, std::string>> kFrequency = {{"LA6568-5", "Not at all"},
                                                                     {"LA6569-3", "Several days"},
                                                                     {"LA6570-1", "More than half the days"},
                                                                     {"LA6571-9", "Nearly every day"}};

FhirBinding binding_for(const Instrument& instrument) {
  FhirBinding fhir;
  fhir.item_codes.resize(instrument.items.size());
  fhir.subscale_codes.resize(instrument.subscales.size());
  const auto loinc = [](std::string code) { return FhirCoding{"http://loinc.org", std::move(code), {}}; };
  const auto frequency = [&] {
    for (std::size_t v = 0; v < kFrequency.size(); ++v) {
      fhir.answers.push_back(
          {FhirCoding{"http://loinc.org", kFrequency[v].first, kFrequency[v].second}, static_cast<double>(v)});
    }
  };
  if (instrument.id == "phq-9") {
    fhir.questionnaire = {"http://loinc.org/q/44249-1"};
    fhir.code = loinc("44249-1");
    for (std::size_t i = 0; i < kPhq9Codes.size(); ++i) fhir.item_codes[i] = {loinc(kPhq9Codes[i])};
    fhir.subscale_codes[0] = {loinc("44261-6")};
    fhir.ignore = {"69722-7"};
    frequency();
  }
  if (instrument.id == "gad-7") {
    const std::vector<std::string> codes = {"69725-0", "68509-9", "69733-4", "69734-2",
                                            "69735-9", "69689-8", "69736-7"};
    fhir.questionnaire = {"http://loinc.org/q/69737-5"};
    fhir.code = loinc("69737-5");
    for (std::size_t i = 0; i < codes.size(); ++i) fhir.item_codes[i] = {loinc(codes[i])};
    fhir.subscale_codes[0] = {loinc("70274-6")};
    fhir.ignore = {"69726-8"};
    frequency();
  }
  return fhir;
}

}  // namespace

FhirRegistry::FhirRegistry(Registry registry) : registry_(std::move(registry)) {
  bindings_.reserve(registry_.instruments().size());
  for (const InstrumentPtr& instrument : registry_.instruments()) bindings_.push_back(binding_for(*instrument));
  for (const FhirBinding& binding : bindings_) pointers_.push_back(&binding);
}

const FhirBinding& FhirRegistry::binding(std::string_view id) const {
  for (std::size_t i = 0; i < registry_.instruments().size(); ++i) {
    if (registry_.instruments()[i]->id == id) return bindings_[i];
  }
  throw std::out_of_range("no instrument " + std::string(id));
}

const FhirRegistry& bundled_fhir_registry() {
  static const FhirRegistry registry = [] {
    auto loaded = Registry::load_directory(source_dir() / "instruments");
    if (!loaded) throw std::runtime_error(loaded.error().message);
    return FhirRegistry(std::move(*loaded));
  }();
  return registry;
}

Result<FhirWave> decode(const FhirRegistry& registry, std::string_view body) {
  return decode_fhir_responses(registry.registry(), body, registry.bindings());
}

Result<FhirWave> decode_as(const FhirRegistry& registry, std::string_view id, std::string_view body) {
  return decode_fhir_responses(registry.find(id), registry.binding(id), body);
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
