// The waves analysis: psyscore::waves() on three waves of 10,000 respondents x
// 22 MBI-HSS items (descriptives, Friedman, pairwise Wilcoxon with Holm, the
// REML mixed model with Satterthwaite df and marginal means, for EE, DP and
// PA), alone, with its JSON result, and with the hlm reliable change (a
// random-slope model per subscale). Results and the command: docs/performance.md.
//
// Data: synthetic MBI-HSS answers 0..6 with 2% of cells missing, built once
// outside the timed loop: baseline and 6 months are a pre/post pair (5% drop
// out), 10 months the post wave of another draw with the same ids.

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "bench_rates.hpp"
#include "psyscore/responses.hpp"
#include "psyscore/waves.hpp"
#include "synthetic_mbi.hpp"

namespace {

using psyscore_bench::answer_bytes;
using psyscore_bench::mbi_hss;
using psyscore_bench::set_rates;

struct ThreeWaves {
  std::vector<psyscore::ResponseMatrix> matrices;
  std::vector<psyscore::NamedWave> waves;
};

const ThreeWaves& three_waves(std::int64_t respondents) {
  static std::int64_t cached_respondents = -1;
  static ThreeWaves cached;
  if (cached_respondents != respondents) {
    cached = {};
    const auto n = static_cast<std::size_t>(respondents);
    auto [baseline, six] = psyscore_bench::pre_post(n, 3);
    auto [unused, ten] = psyscore_bench::pre_post(n, 5);
    cached.matrices.push_back(psyscore_bench::decode(mbi_hss(), baseline));
    cached.matrices.push_back(psyscore_bench::decode(mbi_hss(), six));
    cached.matrices.push_back(psyscore_bench::decode(mbi_hss(), ten));
    const char* names[] = {"baseline", "6m", "10m"};
    for (std::size_t w = 0; w < 3; ++w) cached.waves.push_back({names[w], &cached.matrices[w]});
    cached_respondents = respondents;
  }
  return cached;
}

void BM_Waves(benchmark::State& state, bool encode, bool hlm) {
  const ThreeWaves& data = three_waves(state.range(0));
  psyscore::WavesOptions options;
  if (hlm) options.clinical_significance = psyscore::WavesClinicalSignificance{};
  std::size_t output_bytes = 0;
  for (auto _ : state) {
    const auto report = psyscore::waves(mbi_hss(), data.waves, options);
    if (!report) {
      state.SkipWithError(report.error().message.c_str());
      break;
    }
    if (encode) {
      const std::string json = psyscore::encode_waves_result(mbi_hss(), *report);
      output_bytes = json.size();
      benchmark::DoNotOptimize(json.data());
    }
    benchmark::DoNotOptimize(report->subscales.data());
  }
  std::size_t input_bytes = 0;
  for (const auto& m : data.matrices) input_bytes += answer_bytes(m);
  set_rates(state, input_bytes, output_bytes);
}
BENCHMARK_CAPTURE(BM_Waves, statistics, false, false)->Arg(12)->Arg(1'000)->Arg(10'000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Waves, and_encode, true, false)->Arg(10'000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Waves, with_hlm, false, true)->Arg(10'000)->Unit(benchmark::kMillisecond);

}  // namespace
