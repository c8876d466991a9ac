// Decoding responses: decode_json_responses (an HTTP request body) and
// decode_csv_responses (a file given to the CLI), from a Balint group to a
// national survey. Results and the command: docs/performance.md.
//
// Data: synthetic MBI-HSS answers 0..6 with 2% of cells missing (empty CSV
// cells, JSON nulls), built once per size outside the timed loop. Items are
// respondents, bytes are bytes of input text.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "bench_rates.hpp"
#include "psyscore/responses.hpp"
#include "synthetic_mbi.hpp"

namespace {

using psyscore_bench::sizes;

using psyscore_bench::mbi_hss;

enum class Format { csv, json };

// Only the text of the last size is kept: the 1e6-respondent JSON body alone
// takes about 175 MB.
const std::string& input(Format format, std::int64_t respondents) {
  static Format cached_format = Format::csv;
  static std::int64_t cached_respondents = -1;
  static std::string cached;
  if (cached_format != format || cached_respondents != respondents) {
    cached.clear();
    cached.shrink_to_fit();
    const psyscore_bench::Survey survey = psyscore_bench::survey(static_cast<std::size_t>(respondents), 1);
    cached =
        format == Format::csv ? psyscore_bench::to_csv(mbi_hss(), survey) : psyscore_bench::to_json(mbi_hss(), survey);
    cached_format = format;
    cached_respondents = respondents;
  }
  return cached;
}

void report(benchmark::State& state, const psyscore::Result<psyscore::ResponseMatrix>& wave, std::size_t bytes) {
  if (!wave) {
    state.SkipWithError(wave.error().message.c_str());
    return;
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
}

// The timed work includes freeing the decoded matrix, as every caller pays it.
void BM_DecodeCsv(benchmark::State& state) {
  const std::string& text = input(Format::csv, state.range(0));
  psyscore::Result<psyscore::ResponseMatrix> wave;
  for (auto _ : state) {
    wave = psyscore::decode_csv_responses(mbi_hss(), text);
    benchmark::DoNotOptimize(wave);
  }
  report(state, wave, text.size());
}
BENCHMARK(BM_DecodeCsv)->Apply(sizes);

void BM_DecodeJson(benchmark::State& state) {
  const std::string& text = input(Format::json, state.range(0));
  psyscore::Result<psyscore::ResponseMatrix> wave;
  for (auto _ : state) {
    wave = psyscore::decode_json_responses(mbi_hss(), text);
    benchmark::DoNotOptimize(wave);
  }
  report(state, wave, text.size());
}
BENCHMARK(BM_DecodeJson)->Apply(sizes);

}  // namespace
