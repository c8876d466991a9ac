// The request logic of psyscore serve without sockets: handle() from an
// ApiRequest to an ApiResponse, for the requests bench/http/run.sh sends.
// What the HTTP figures spend beyond this is the server path (reading,
// writing, the hop between threads, metrics, the access log).
//
// Bodies: MBI-HSS answers (22 items on 0..6) drawn with a fixed seed, ~2% of
// the batch answers missing, the shapes of bench/http/make_bodies.py.

#include <benchmark/benchmark.h>

#include <memory>
#include <random>
#include <string>

#include "router.hpp"

namespace {

using psyscore::service::ApiRequest;
using psyscore::service::ApiResponse;
using psyscore::service::ServiceState;

constexpr int kItems = 22;

const ServiceState& state() {
  static const ServiceState instance(
      std::make_shared<const psyscore::Registry>(*psyscore::Registry::load_directory(PSYSCORE_INSTRUMENTS_DIR)),
      PSYSCORE_INSTRUMENTS_DIR, {}, {}, {});
  return instance;
}

std::string json_body(int respondents) {
  std::mt19937_64 engine(20240301);
  std::uniform_int_distribution<int> answer(0, 6);
  std::bernoulli_distribution missing(respondents == 1 ? 0.0 : 0.02);
  std::string body = R"({"responses":[)";
  for (int r = 0; r < respondents; ++r) {
    body += (r ? "," : "") + std::string(R"({"id":"r)") + std::to_string(r + 1) + R"(","answers":{)";
    for (int item = 1; item <= kItems; ++item) {
      body += (item > 1 ? ",\"" : "\"") + std::to_string(item) + "\":";
      body += missing(engine) ? "null" : std::to_string(answer(engine));
    }
    body += "}}";
  }
  return body + "]}";
}

std::string csv_body(int respondents) {
  std::mt19937_64 engine(20240301);
  std::uniform_int_distribution<int> answer(0, 6);
  std::bernoulli_distribution missing(0.02);
  std::string body = "id";
  for (int item = 1; item <= kItems; ++item) body += "," + std::to_string(item);
  body += "\n";
  for (int r = 0; r < respondents; ++r) {
    body += "r" + std::to_string(r + 1);
    for (int item = 1; item <= kItems; ++item) body += missing(engine) ? "," : "," + std::to_string(answer(engine));
    body += "\n";
  }
  return body;
}

void run(benchmark::State& bench, const std::string& body, const std::string& content_type, int respondents) {
  for (auto _ : bench) {
    ApiRequest request;
    request.method = "POST";
    request.target = "/v1/instruments/mbi-hss/score";
    request.content_type = content_type;
    request.body = body;
    ApiResponse response = handle(state(), std::move(request));
    if (response.status != 200) bench.SkipWithError(response.body.c_str());
    benchmark::DoNotOptimize(response);
  }
  bench.SetItemsProcessed(bench.iterations() * respondents);
  bench.SetBytesProcessed(bench.iterations() * static_cast<std::int64_t>(body.size()));
}

void BM_ScoreJson(benchmark::State& bench) {
  const int respondents = static_cast<int>(bench.range(0));
  run(bench, json_body(respondents), "application/json", respondents);
}
BENCHMARK(BM_ScoreJson)->Arg(1)->Arg(10'000)->Unit(benchmark::kMicrosecond);

void BM_ScoreCsv(benchmark::State& bench) {
  const int respondents = static_cast<int>(bench.range(0));
  run(bench, csv_body(respondents), "text/csv", respondents);
}
BENCHMARK(BM_ScoreCsv)->Arg(1)->Arg(10'000)->Unit(benchmark::kMicrosecond);

}  // namespace
