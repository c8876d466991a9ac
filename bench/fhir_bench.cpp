// FHIR: a Bundle of PHQ-9 QuestionnaireResponses scored into a Bundle of
// Observations (decode, score, encode: the work of POST /v1/fhir/score),
// beside the same answers as a JSON body scored into the JSON result (the
// work of POST /v1/instruments/phq-9/score). Results: docs/performance.md.
//
// Data: 10,000 PHQ-9 responses with answers 0..3 drawn from a fixed seed,
// written as LHC-Forms writes them (linkId "/44250-9", LOINC answer codes
// with display text, subject, authored), a third of them with an itemWeight
// extension on each coding. Items are respondents; bytes are the request
// body; out_bytes is what is written.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "psyscore/fhir.hpp"
#include "psyscore/json.hpp"
#include "psyscore/responses.hpp"
#include "psyscore/scoring.hpp"

namespace {

constexpr std::int64_t kRespondents = 10'000;

const psyscore::Registry& registry() {
  static const psyscore::Registry loaded = [] {
    auto result = psyscore::Registry::load_directory(PSYSCORE_BENCH_INSTRUMENTS);
    if (!result) {
      std::cerr << "fhir_bench: " << result.error().message << '\n';
      std::exit(1);
    }
    return std::move(*result);
  }();
  return loaded;
}

struct Bodies {
  std::string fhir;
  std::string json;
};

const Bodies& bodies(std::int64_t respondents) {
  static std::int64_t cached_respondents = -1;
  static Bodies cached;
  if (cached_respondents == respondents) return cached;
  const std::vector<std::string> codes = {"44250-9", "44255-8", "44259-0", "44254-1", "44251-7",
                                          "44258-2", "44252-5", "44253-3", "44260-8"};
  const std::vector<std::pair<std::string, std::string>> frequency = {{"LA6568-5", "Not at all"},
                                                                      {"LA6569-3", "Several days"},
                                                                      {"LA6570-1", "More than half the days"},
                                                                      {"LA6571-9", "Nearly every day"}};
  std::mt19937_64 random(17);
  std::uniform_int_distribution<int> answer(0, 3);
  cached = {};
  cached.fhir = R"({"resourceType":"Bundle","type":"collection","entry":[)";
  cached.json = R"({"responses":[)";
  for (std::int64_t r = 0; r < respondents; ++r) {
    const std::string id = "p" + std::to_string(r);
    cached.fhir +=
        (r ? "," : "") + std::string(R"({"resource":{"resourceType":"QuestionnaireResponse","id":")") + id +
        R"(","questionnaire":"http://loinc.org/q/44249-1","status":"completed","subject":{"reference":"Patient/)" + id +
        R"("},"authored":"2026-11-30T10:00:00Z","item":[)";
    cached.json += (r ? "," : "") + std::string(R"({"id":"Patient/)") + id + R"(","answers":{)";
    for (std::size_t i = 0; i < codes.size(); ++i) {
      const int value = answer(random);
      const auto& [code, display] = frequency[static_cast<std::size_t>(value)];
      std::string coding = R"({"system":"http://loinc.org","code":")" + code + R"(","display":")" + display + "\"";
      if (r % 3 == 0) {
        coding += R"(,"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/itemWeight","valueDecimal":)" +
                  std::to_string(value) + "}]";
      }
      cached.fhir += (i ? "," : "") + std::string(R"({"linkId":"/)") + codes[i] + R"(","answer":[{"valueCoding":)" +
                     coding + "}}]}";
      cached.json += (i ? "," : "") + std::string("\"") + std::to_string(i + 1) + "\":" + std::to_string(value);
    }
    cached.fhir += "]}}";
    cached.json += "}}";
  }
  cached.fhir += "]}";
  cached.json += "]}";
  cached_respondents = respondents;
  return cached;
}

void set_rates(benchmark::State& state, std::size_t input_bytes, std::size_t output_bytes) {
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(input_bytes));
  state.counters["out_bytes"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(output_bytes),
                         benchmark::Counter::kIsRate, benchmark::Counter::kIs1024);
}

// POST /v1/fhir/score without the HTTP: the instrument found from the
// responses' questionnaire, then decode, score, Observations.
void BM_FhirScoreRequest(benchmark::State& state) {
  const std::string& body = bodies(state.range(0)).fhir;
  std::size_t output_bytes = 0;
  for (auto _ : state) {
    auto wave = psyscore::decode_fhir_responses(registry(), body);
    if (!wave) {
      state.SkipWithError(wave.error().message.c_str());
      return;
    }
    const psyscore::ScoreTable table = psyscore::score(*wave->instrument, wave->responses);
    const std::string out = psyscore::encode_fhir_observations(*wave, table);
    output_bytes = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  set_rates(state, body.size(), output_bytes);
}
BENCHMARK(BM_FhirScoreRequest)->ArgName("respondents")->Arg(kRespondents)->Unit(benchmark::kMillisecond);

// The same answers through POST /v1/instruments/phq-9/score's engine work.
void BM_JsonScoreRequest(benchmark::State& state) {
  const std::string& body = bodies(state.range(0)).json;
  const psyscore::InstrumentPtr phq9 = registry().find("phq-9");
  std::size_t output_bytes = 0;
  for (auto _ : state) {
    auto wave = psyscore::decode_json_responses(*phq9, body);
    if (!wave) {
      state.SkipWithError(wave.error().message.c_str());
      return;
    }
    const psyscore::ScoreTable table = psyscore::score(*phq9, *wave);
    const std::string out = psyscore::encode_score_result(*phq9, *wave, table);
    output_bytes = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  set_rates(state, body.size(), output_bytes);
}
BENCHMARK(BM_JsonScoreRequest)->ArgName("respondents")->Arg(kRespondents)->Unit(benchmark::kMillisecond);

}  // namespace
