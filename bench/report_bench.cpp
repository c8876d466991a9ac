// The HTML report: psyscore::change_report() of a pre and a post wave (every
// analysis of the page: scores of both waves, reliability of each, change,
// and the page with its figures), and wave_report() of one wave. The issue's
// target: the report of 10,000 respondents pre/post well under a second.
// Results and the command: docs/performance.md.
//
// Data: the synthetic MBI-HSS waves of change_bench (2% of cells missing, 5%
// of the pre wave drop out), built once per size outside the timed loop.
// Beyond 2,000 participants the Jacobson-Truax plots are binned densities and
// the per-participant tables are left out, so the page stays readable (and
// its size flat). out_bytes is the HTML written.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "bench_rates.hpp"
#include "psyscore/report.hpp"
#include "psyscore/responses.hpp"
#include "synthetic_mbi.hpp"

namespace {

using psyscore_bench::answer_bytes;
using psyscore_bench::mbi_hss;
using psyscore_bench::set_rates;

struct Waves {
  psyscore::ResponseMatrix pre;
  psyscore::ResponseMatrix post;
};

const Waves& pre_post(std::int64_t respondents) {
  static std::int64_t cached_respondents = -1;
  static Waves cached;
  if (cached_respondents != respondents) {
    cached = {};
    auto [pre, post] = psyscore_bench::pre_post(static_cast<std::size_t>(respondents), 3);
    cached.pre = psyscore_bench::decode(mbi_hss(), pre);
    cached.post = psyscore_bench::decode(mbi_hss(), post);
    cached_respondents = respondents;
  }
  return cached;
}

void report_sizes(benchmark::internal::Benchmark* benchmark) {
  benchmark->ArgName("respondents");
  for (const std::int64_t respondents : {12, 1'000, 10'000, 100'000}) benchmark->Arg(respondents);
  benchmark->Unit(benchmark::kMillisecond);
}

void BM_ChangeReport(benchmark::State& state) {
  const Waves& waves = pre_post(state.range(0));
  psyscore::ReportOptions options;
  options.reliability.threads = 1;  // one core, as a request gets it on a busy server
  std::size_t output_bytes = 0;
  for (auto _ : state) {
    const auto page = psyscore::change_report(mbi_hss(), waves.pre, waves.post, options);
    if (!page) {
      state.SkipWithError(page.error().message.c_str());
      break;
    }
    output_bytes = page->size();
    benchmark::DoNotOptimize(page->data());
  }
  set_rates(state, answer_bytes(waves.pre) + answer_bytes(waves.post), output_bytes);
}
BENCHMARK(BM_ChangeReport)->Apply(report_sizes);

void BM_WaveReport(benchmark::State& state) {
  const Waves& waves = pre_post(state.range(0));
  psyscore::ReportOptions options;
  options.reliability.threads = 1;
  std::size_t output_bytes = 0;
  for (auto _ : state) {
    const auto page = psyscore::wave_report(mbi_hss(), waves.pre, options);
    if (!page) {
      state.SkipWithError(page.error().message.c_str());
      break;
    }
    output_bytes = page->size();
    benchmark::DoNotOptimize(page->data());
  }
  set_rates(state, answer_bytes(waves.pre), output_bytes);
}
BENCHMARK(BM_WaveReport)->Apply(report_sizes);

}  // namespace
