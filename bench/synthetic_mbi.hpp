// Synthetic MBI-HSS surveys for the benchmarks, built only through the public
// API so the suites keep compiling while the library's internals change.
//
// The model is the one of bench/peers/make_data.py (the data of the R
// comparison): answers 0..6 from three correlated latent traits (EE and DP
// +0.5, PA -0.3 with both), item-specific loadings and thresholds, and a
// share of cells missing at random. Everything is deterministic for a given
// seed and size, and meant to be built outside the timed loop.
//
//   const psyscore::Instrument& mbi = psyscore_bench::mbi_hss();
//   const psyscore_bench::Survey survey = psyscore_bench::survey(100'000, 1);
//   const std::string csv = psyscore_bench::to_csv(mbi, survey);
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "psyscore/instrument.hpp"
#include "psyscore/responses.hpp"

namespace psyscore_bench {

// The survey sizes of every suite: a Balint group, a clinic, a large study
// and a national survey.
inline constexpr std::array<std::int64_t, 4> respondent_counts{12, 1'000, 100'000, 1'000'000};

// Respondents of one wave: ids and a row-major respondents x items grid of
// answers in the instrument's item order, NaN = missing.
struct Survey {
  std::size_t item_count = 0;
  std::vector<std::string> ids;
  std::vector<double> answers;
  std::vector<std::string> groups;  // empty, or one group label per respondent

  std::size_t respondent_count() const { return ids.size(); }
};

// The bundled instruments/mbi-hss.json, loaded once. Exits with a message
// when it cannot be loaded (a benchmark without its instrument is useless).
const psyscore::Instrument& mbi_hss();

// One wave of `respondents`, with `missing_share` of the cells empty.
Survey survey(std::size_t respondents, std::uint64_t seed, double missing_share = 0.02);

// A pre and a post wave of the same people, as after a year of Balint work:
// each trait moves towards less burnout (EE -0.3 SD, DP -0.2, PA +0.2) with a
// test-retest correlation of 0.7; 5% of the pre wave drop out, and the post
// wave lists its respondents in another order.
std::pair<Survey, Survey> pre_post(std::size_t respondents, std::uint64_t seed);

// One wave with a group label per respondent ("years" of Balint work: "1",
// "2-5", "6+" in proportions 3:5:2, with less exhaustion the longer people
// have taken part). Every group has members from 10 respondents on.
Survey grouped_survey(std::size_t respondents, std::uint64_t seed);

// The name of the CSV column that to_csv() writes the groups to.
inline constexpr std::string_view group_column = "years";

// `id[,years],<item ids...>` with one row per respondent; a missing answer is
// an empty cell.
std::string to_csv(const psyscore::Instrument& instrument, const Survey& survey);

// `{"responses": [{"id": ..., "answers": {"<item id>": 3, ...}}, ...]}`; a
// missing answer is null.
std::string to_json(const psyscore::Instrument& instrument, const Survey& survey);

// Decodes to_csv(instrument, survey) (with the group column when the survey
// has groups). Exits with the problems when decoding fails.
psyscore::ResponseMatrix decode(const psyscore::Instrument& instrument, const Survey& survey);

}  // namespace psyscore_bench
