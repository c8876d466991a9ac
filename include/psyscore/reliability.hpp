// Reliability of an instrument's subscales in one wave of responses.
//
// For every subscale psyscore reports what R's `psych::alpha` (version 2.2.9,
// `use = "pairwise"`) reports, to 1e-9 relative: raw and standardized alpha,
// G6(smc), the inter-item correlations, the Feldt and Duhachek intervals,
// alpha if an item is dropped and the item statistics. On top of that it
// gives omega total (one-factor minres), split-half reliabilities (Guttman's
// lambda 4 over every split), the SEM and an optional bootstrap interval.
// The statistics and the places where psyscore departs from psych on purpose
// are documented in docs/statistics.md ("Reliability").
//
//   psyscore::ReliabilityOptions options;
//   options.bootstrap = psyscore::BootstrapOptions{.iterations = 1000, .seed = 7};
//   auto report = psyscore::reliability(*instrument, wave, options);
//   if (!report) return fail(report.error());
//   std::cout << psyscore::encode_reliability_result(*instrument, *report);
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "psyscore/deadline.hpp"
#include "psyscore/errors.hpp"
#include "psyscore/instrument.hpp"
#include "psyscore/item_answers.hpp"
#include "psyscore/responses.hpp"
#include "psyscore/statistic.hpp"

namespace psyscore {

// How respondents with some missing answers enter the statistics.
enum class MissingData {
  // Every covariance from the rows where both items were answered (psych's
  // default). Every usable row counts in n.
  pairwise,
  // Only rows that answered every item of the subscale (R's na.omit).
  listwise,
};
std::string_view to_string(MissingData missing);

struct BootstrapOptions {
  std::size_t iterations = 1000;  // Default: 1000. Must be 1..1,000,000.
  std::uint64_t seed = 0;         // Default: 0. The same seed gives the same interval.
};

struct ReliabilityOptions {
  // Subscale ids to analyse, in this order. Default: empty, meaning every
  // subscale of the instrument with at least 2 items, in definition order.
  std::vector<std::string> subscales;
  // Default: pairwise (as psych::alpha).
  MissingData missing = MissingData::pairwise;
  // Level of the Feldt, Duhachek and bootstrap intervals, in (0, 1).
  // Default: 0.95.
  double ci_level = 0.95;
  // Percentile bootstrap of raw alpha. Default: nullopt (no bootstrap).
  std::optional<BootstrapOptions> bootstrap;
  // Worker threads of the pass over the respondents (beyond 8,192 usable
  // respondents) and of the bootstrap. Default: 0, meaning
  // std::thread::hardware_concurrency(). Results do not depend on it.
  std::size_t threads = 0;
  // Beyond 16 items, split-half statistics come from this many random splits.
  // Default: 10000 (as psych::splitHalf).
  std::size_t split_half_samples = 10000;
  // Seed of those random splits. Default: 1.
  std::uint64_t split_half_seed = 1;
  // Also describe every item of each analysed subscale on its raw answers
  // (SubscaleReliability::item_answers). Default: false.
  bool items = false;
  // Looked at between subscales and between blocks of bootstrap resamples;
  // once passed, reliability() stops with a "deadline_exceeded" error.
  // Default: none.
  Deadline deadline;
};

struct Interval {
  Statistic lower;
  Statistic upper;
};

struct BootstrapInterval {
  Statistic lower;   // type-7 quantile at (1 - ci_level) / 2
  Statistic median;  // type-7 quantile at 0.5
  Statistic upper;   // type-7 quantile at 1 - (1 - ci_level) / 2
  std::size_t iterations = 0;
  std::uint64_t seed = 0;
  std::size_t undefined = 0;  // resamples whose alpha was not defined (left out of the quantiles)
};

// psych's alpha.drop row: the subscale's statistics without this item.
struct AlphaIfDropped {
  Statistic raw_alpha;
  Statistic std_alpha;
  Statistic g6_smc;
  Statistic average_r;
  Statistic s_n;
  Statistic alpha_se;  // empty when n <= k or k = 2, as psych
  Statistic var_r;
  Statistic med_r;
};

struct ItemReliability {
  std::string id;
  std::size_t n = 0;  // answers to the item
  Statistic raw_r;
  Statistic std_r;
  Statistic r_cor;
  Statistic r_drop;
  Statistic mean;  // of the keyed answers
  Statistic sd;
  AlphaIfDropped alpha_if_dropped;
  // Share of each raw (unkeyed) answer value among the item's answers, for
  // every value observed in any item of the subscale, ascending.
  std::vector<std::pair<double, double>> response_freq;
  Statistic miss;  // 1 - answers / n
};

// Guttman's lambda 4 (4 * R_AB / sum(R)) over splits of the items into two
// halves of floor(k/2) and ceil(k/2) items.
struct SplitHalf {
  Statistic max;
  Statistic min;
  Statistic mean;
  std::size_t splits = 0;             // splits examined
  bool exhaustive = false;            // true: every distinct split (k <= 16); false: random splits
  std::vector<std::string> max_half;  // item ids of the smaller half of the best split
  std::vector<std::string> min_half;  // ... of the worst split
  Statistic lambda2;
  Statistic lambda6;  // = g6_smc
};

struct SubscaleReliability {
  std::string id;
  std::size_t n = 0;  // rows used: every usable respondent (pairwise) or the complete rows (listwise)
  std::size_t k = 0;  // items kept
  Statistic raw_alpha;
  Statistic std_alpha;
  Statistic g6_smc;
  Statistic average_r;
  Statistic median_r;
  Statistic s_n;
  Statistic ase;
  Statistic var_r;
  Statistic mean;  // of the per-respondent mean of the keyed answers
  Statistic sd;
  Statistic sd_total_sum;  // k * sd: sd of the (prorated) sum scores
  Statistic sem;           // sd_total_sum * sqrt(1 - raw_alpha)
  Interval feldt;
  Interval duhachek;
  std::optional<BootstrapInterval> bootstrap;
  Statistic omega_total;
  std::vector<double> omega_loadings;      // one per kept item, after psych's sign flip
  std::vector<std::string> omega_flipped;  // items reversed by omega's sign rule
  SplitHalf split_half;
  std::vector<ItemReliability> items;      // kept items, in subscale order
  std::vector<std::string> dropped_items;  // left out: no answers or no variance
  // items = true: every item of the subscale in definition order (dropped
  // ones included) on its raw answers, over every usable respondent.
  std::vector<ItemAnswers> item_answers;
  std::vector<std::string> warnings;
};

struct ReliabilityReport {
  MissingData missing = MissingData::pairwise;
  double ci_level = 0.95;
  bool items = false;  // the items were asked for (ReliabilityOptions::items)
  std::vector<SubscaleReliability> subscales;
  std::vector<std::string> warnings;  // about the whole wave (excluded respondents, ignored columns)
};

// Computes the reliability of the requested subscales of `instrument` from
// `responses` (a wave decoded for this instrument). Respondents with answer
// errors are left out (a warning gives their count). Items are keyed with
// the instrument (reverse items as min + max - x of their scale).
//
// Errors (ErrorCode::invalid, one Problem per cause): an unknown subscale
// id; ci_level outside (0, 1); bootstrap iterations outside 1..1,000,000; a
// subscale left with fewer than 2 items (after dropping items without answers
// or without variance) or fewer than 2 respondents with answers; the
// deadline passed (one problem, "deadline_exceeded").
// Thread-safe: no shared state; it starts its own threads (`threads`).
Result<ReliabilityReport> reliability(const Instrument& instrument, const ResponseMatrix& responses,
                                      const ReliabilityOptions& options = {});

}  // namespace psyscore
