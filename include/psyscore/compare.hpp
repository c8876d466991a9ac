// Comparison of independent groups (e.g. Balint participants by years of
// participation, or participants and controls), per subscale.
//
// Per group: n, mean, SD, median and quartiles (R's type 7). Across groups:
// Kruskal-Wallis with tie correction and epsilon squared (R's kruskal.test),
// every pair's Mann-Whitney test (wilcox.test(a, b): exact when both groups
// have fewer than 50 scores and no score is tied) with Holm-adjusted p and
// the rank-biserial correlation, and with exactly two groups Welch's t test.
// The formulas are in docs/statistics.md ("Change and comparison").
//
// With `items = true` every item of each subscale is compared the same way on
// its raw answers (before reverse-keying), with the count of each answer per
// group: a survey's statement-by-statement table (psyscore/item_answers.hpp).
//
//   psyscore::CsvOptions csv;
//   csv.group_column = "years";
//   auto wave = psyscore::decode_csv_responses(*instrument, text, csv);
//   auto report = psyscore::compare(*instrument, *wave);
//   if (!report) return fail(report.error());
//   std::cout << psyscore::encode_compare_result(*instrument, *report);
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "psyscore/errors.hpp"
#include "psyscore/instrument.hpp"
#include "psyscore/item_answers.hpp"
#include "psyscore/responses.hpp"
#include "psyscore/statistic.hpp"

namespace psyscore {

struct CompareOptions {
  // Level of the Welch confidence interval, in (0, 1). Default: 0.95.
  double ci_level = 0.95;
  // Subscale ids to analyse, in this order. Default: empty, meaning every
  // subscale in definition order.
  std::vector<std::string> subscales;
  // Also compare every item of each analysed subscale on its raw answers
  // (SubscaleComparison::items). Default: false.
  bool items = false;
  // One wave only: the categorical covariate (ResponseMatrix::covariates)
  // whose levels are the groups, in place of the wave's group labels.
  // Default: empty, meaning the group labels.
  std::string group_covariate;
};

struct GroupSummary {
  std::string name;
  std::size_t n = 0;  // respondents of the group with a score
  Statistic mean;
  Statistic sd;
  Statistic median;
  Statistic q1;  // R: quantile(x, 0.25, type = 7)
  Statistic q3;
  // Item comparisons only: the count of each answer and of missing answers
  // among the group's usable respondents. nullopt for subscale scores.
  std::optional<AnswerDistribution> distribution;
};

struct KruskalWallisResult {
  Statistic h;  // nullopt when every score is tied
  std::size_t df = 0;
  Statistic p;
  Statistic epsilon_squared;  // H / ((N^2 - 1) / (N + 1))
};

struct MannWhitneyPair {
  std::string a;
  std::string b;
  std::size_t n_a = 0;
  std::size_t n_b = 0;
  double w = 0;  // R's W: pairs (x from a, y from b) with x > y, ties counted 1/2
  Statistic p;
  Statistic p_holm;  // Holm over every pair of this subscale
  // 1 - 2 W / (n_a n_b) = P(a < b) - P(a > b): positive when group a tends to
  // score lower than group b, negative when higher.
  Statistic rank_biserial;
  bool exact = false;
};

// R: t.test(a, b) (Welch), for exactly two groups.
struct WelchT {
  double t = 0;
  double df = 0;
  double p = 0;
  double mean_difference = 0;  // mean(a) - mean(b)
  double ci_lower = 0;
  double ci_upper = 0;
};

// One item of a subscale compared across the groups on its raw answers, by
// the rules of the subscale comparison (Holm across this item's pairs). The
// group summaries count every usable respondent who answered the item,
// whatever the subscale's min_answered.
struct ItemComparison {
  std::string id;
  std::vector<GroupSummary> groups;                   // with their distributions
  std::optional<KruskalWallisResult> kruskal_wallis;  // nullopt: some group has no answer
  std::vector<MannWhitneyPair> mann_whitney;
  std::optional<WelchT> welch_t;  // two groups only; nullopt when undefined
  std::vector<std::string> warnings;
};

struct SubscaleComparison {
  std::string id;
  std::vector<GroupSummary> groups;                   // in the order of the groups
  std::optional<KruskalWallisResult> kruskal_wallis;  // nullopt: fewer than 2 groups with scores
  std::vector<MannWhitneyPair> mann_whitney;          // every pair a before b in group order
  std::optional<WelchT> welch_t;                      // two groups only; nullopt when undefined
  std::vector<ItemComparison> items;                  // items = true: the subscale's items in definition order
  std::vector<std::string> warnings;
};

struct CompareReport {
  double ci_level = 0.95;
  bool items = false;                    // the items were asked for (CompareOptions::items)
  std::vector<std::string> groups;       // names, in order
  std::vector<std::size_t> group_sizes;  // usable respondents per group
  std::vector<SubscaleComparison> subscales;
  std::vector<std::string> warnings;  // about the request as a whole
};

// Compares the named groups (each a wave decoded for `instrument`), in the
// given order. Respondents with answer errors are left out (a warning gives
// their count).
//
// Errors (ErrorCode::invalid): ci_level outside (0, 1); an unknown subscale
// id; fewer than 2 groups; two groups with the same name; a group with no
// score in any requested subscale; a wave not decoded for this instrument;
// a group_covariate (these groups are named already).
// A subscale where some group has no score keeps its descriptives and gets
// null tests with a warning. Thread-safe: no shared state.
Result<CompareReport> compare(const Instrument& instrument,
                              const std::vector<std::pair<std::string, ResponseMatrix>>& groups,
                              const CompareOptions& options = {});

// The same for one wave whose `groups` column names each respondent's group
// (CsvOptions::group_column), or, with options.group_covariate, whose
// categorical covariate of that name does. Groups are ordered by first
// appearance; respondents with an empty group (a missing covariate) are left
// out with a warning. Errors as above, and ErrorCode::invalid when the wave
// has no group labels, or at "/group_covariate" when it has no such
// covariate, the covariate is numeric, or it has fewer than 2 levels (the
// other group problems are located there too).
Result<CompareReport> compare(const Instrument& instrument, const ResponseMatrix& responses,
                              const CompareOptions& options = {});

}  // namespace psyscore
