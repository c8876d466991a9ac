// Change and comparison statistics: psyscore::change() on a pre and a post
// wave paired by id (paired t, Wilcoxon, effect sizes, RCI from the sample's
// alpha, band transitions, ICC, Holm), and psyscore::compare() of three
// groups of one wave (Kruskal-Wallis, pairwise Mann-Whitney, descriptives);
// each alone and with its JSON result. Results and the command:
// docs/performance.md.
//
// Data: synthetic MBI-HSS answers 0..6 with 2% of cells missing, built once
// per size outside the timed loop. Change: 5% of the pre wave drop out and
// the post wave comes in another order. Compare: groups of years of Balint
// work in proportions 3:5:2. Items are respondents of the (pre) wave; bytes
// are the decoded answers read (8 bytes a cell, both waves for change).
// out_bytes is the JSON written.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <utility>

#include "bench_rates.hpp"
#include "psyscore/change.hpp"
#include "psyscore/compare.hpp"
#include "psyscore/json.hpp"
#include "psyscore/responses.hpp"
#include "synthetic_mbi.hpp"

namespace {

using psyscore_bench::answer_bytes;
using psyscore_bench::set_rates;
using psyscore_bench::sizes;

using psyscore_bench::mbi_hss;

struct Waves {
  psyscore::ResponseMatrix pre;
  psyscore::ResponseMatrix post;
};

// One size at a time, as the 1e6 waves take about 0.5 GB.
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

const psyscore::ResponseMatrix& grouped(std::int64_t respondents) {
  static std::int64_t cached_respondents = -1;
  static psyscore::ResponseMatrix cached;
  if (cached_respondents != respondents) {
    cached = {};
    cached =
        psyscore_bench::decode(mbi_hss(), psyscore_bench::grouped_survey(static_cast<std::size_t>(respondents), 4));
    cached_respondents = respondents;
  }
  return cached;
}

// The defaults of `psyscore change`: RCI from the matched pre wave's alpha,
// no clinical significance.
void BM_Change(benchmark::State& state, bool encode) {
  const Waves& waves = pre_post(state.range(0));
  std::size_t output_bytes = 0;
  for (auto _ : state) {
    const auto report = psyscore::change(mbi_hss(), waves.pre, waves.post);
    if (!report) {
      state.SkipWithError(report.error().message.c_str());
      break;
    }
    if (encode) {
      const std::string json = psyscore::encode_change_result(mbi_hss(), *report);
      output_bytes = json.size();
      benchmark::DoNotOptimize(json.data());
    }
    benchmark::DoNotOptimize(report->subscales.data());
  }
  set_rates(state, answer_bytes(waves.pre) + answer_bytes(waves.post), output_bytes);
}
BENCHMARK_CAPTURE(BM_Change, statistics, false)->Apply(sizes);
BENCHMARK_CAPTURE(BM_Change, and_encode, true)->Apply(sizes);

void BM_Compare(benchmark::State& state, bool encode) {
  const psyscore::ResponseMatrix& responses = grouped(state.range(0));
  std::size_t output_bytes = 0;
  for (auto _ : state) {
    const auto report = psyscore::compare(mbi_hss(), responses);
    if (!report) {
      state.SkipWithError(report.error().message.c_str());
      break;
    }
    if (encode) {
      const std::string json = psyscore::encode_compare_result(mbi_hss(), *report);
      output_bytes = json.size();
      benchmark::DoNotOptimize(json.data());
    }
    benchmark::DoNotOptimize(report->subscales.data());
  }
  set_rates(state, answer_bytes(responses), output_bytes);
}
BENCHMARK_CAPTURE(BM_Compare, statistics, false)->Apply(sizes);
BENCHMARK_CAPTURE(BM_Compare, and_encode, true)->Apply(sizes);

}  // namespace
