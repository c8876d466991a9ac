// What the decode, score and change suites share: the respondent counts they
// run at, and how they report rates (respondents/s as items/s, input bytes/s,
// JSON written per second as "out_bytes").
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>

#include "psyscore/responses.hpp"
#include "synthetic_mbi.hpp"

namespace psyscore_bench {

inline void sizes(benchmark::internal::Benchmark* benchmark) {
  benchmark->ArgName("respondents");
  for (const std::int64_t respondents : respondent_counts) benchmark->Arg(respondents);
  benchmark->Unit(benchmark::kMicrosecond);
}

inline void set_rates(benchmark::State& state, std::size_t input_bytes, std::size_t output_bytes = 0) {
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(input_bytes));
  if (output_bytes > 0) {
    state.counters["out_bytes"] =
        benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(output_bytes),
                           benchmark::Counter::kIsRate, benchmark::Counter::kIs1024);
  }
}

// The decoded answers' size: the input of score(), change() and compare().
inline std::size_t answer_bytes(const psyscore::ResponseMatrix& responses) {
  return responses.answers.size() * sizeof(double);
}

}  // namespace psyscore_bench
