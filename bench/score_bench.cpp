// Scoring: psyscore::score() on a decoded wave, the same plus the JSON
// result (encode_score_result, what the CLI prints and the service sends),
// and a whole scoring request in process (JSON body -> decode -> score ->
// JSON result, the ceiling of POST /score). Results and the command:
// docs/performance.md.
//
// Data: synthetic MBI-HSS answers 0..6 with 2% of cells missing (so some
// sums are prorated and a few have too few answers), built once per size
// outside the timed loop. Items are respondents; bytes are the input: the
// decoded answers (8 bytes a cell) for score and encode, the JSON body for
// the request. out_bytes is the JSON written.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "bench_rates.hpp"
#include "psyscore/json.hpp"
#include "psyscore/responses.hpp"
#include "psyscore/scoring.hpp"
#include "synthetic_mbi.hpp"

namespace {

using psyscore_bench::answer_bytes;
using psyscore_bench::set_rates;
using psyscore_bench::sizes;

using psyscore_bench::mbi_hss;

constexpr std::uint64_t seed = 2;

// One size at a time: a 1e6-respondent wave takes about 240 MB.
const psyscore::ResponseMatrix& wave(std::int64_t respondents) {
  static std::int64_t cached_respondents = -1;
  static psyscore::ResponseMatrix cached;
  if (cached_respondents != respondents) {
    cached = {};
    cached = psyscore_bench::decode(mbi_hss(), psyscore_bench::survey(static_cast<std::size_t>(respondents), seed));
    cached_respondents = respondents;
  }
  return cached;
}

const std::string& json_body(std::int64_t respondents) {
  static std::int64_t cached_respondents = -1;
  static std::string cached;
  if (cached_respondents != respondents) {
    cached.clear();
    cached.shrink_to_fit();
    cached = psyscore_bench::to_json(mbi_hss(), psyscore_bench::survey(static_cast<std::size_t>(respondents), seed));
    cached_respondents = respondents;
  }
  return cached;
}

void BM_Score(benchmark::State& state) {
  const psyscore::ResponseMatrix& responses = wave(state.range(0));
  for (auto _ : state) {
    const psyscore::ScoreTable table = psyscore::score(mbi_hss(), responses);
    benchmark::DoNotOptimize(table.scores.data());
  }
  set_rates(state, answer_bytes(responses));
}
BENCHMARK(BM_Score)->Apply(sizes);

void BM_ScoreAndEncode(benchmark::State& state) {
  const psyscore::ResponseMatrix& responses = wave(state.range(0));
  std::size_t output_bytes = 0;
  for (auto _ : state) {
    const psyscore::ScoreTable table = psyscore::score(mbi_hss(), responses);
    const std::string json = psyscore::encode_score_result(mbi_hss(), responses, table);
    output_bytes = json.size();
    benchmark::DoNotOptimize(json.data());
  }
  set_rates(state, answer_bytes(responses), output_bytes);
}
BENCHMARK(BM_ScoreAndEncode)->Apply(sizes);

// What the service does with a POST /score body once it has read it.
void BM_ScoreJsonRequest(benchmark::State& state) {
  const std::string& body = json_body(state.range(0));
  std::size_t output_bytes = 0;
  for (auto _ : state) {
    const auto responses = psyscore::decode_json_responses(mbi_hss(), body);
    if (!responses) {
      state.SkipWithError(responses.error().message.c_str());
      break;
    }
    const psyscore::ScoreTable table = psyscore::score(mbi_hss(), *responses);
    const std::string json = psyscore::encode_score_result(mbi_hss(), *responses, table);
    output_bytes = json.size();
    benchmark::DoNotOptimize(json.data());
  }
  set_rates(state, body.size(), output_bytes);
}
BENCHMARK(BM_ScoreJsonRequest)->Apply(sizes);

}  // namespace
