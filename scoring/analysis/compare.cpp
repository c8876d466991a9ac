#include "psyscore/compare.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <unordered_map>
#include <unordered_set>

#include "psyscore/scoring.hpp"
#include "scoring/analysis/item_answers.hpp"
#include "scoring/analysis/request_checks.hpp"
#include "scoring/stats/descriptives.hpp"
#include "scoring/stats/holm.hpp"
#include "scoring/stats/location_tests.hpp"
#include "scoring/stats/rank_tests.hpp"
#include "scoring/util/json_input.hpp"

namespace psyscore {

namespace {

using detail::in_quotes;
using detail::problem_at;

// What the warnings call the compared values: subscale scores or item answers.
struct Words {
  std::string_view one;     // "score"
  std::string_view many;    // "scores"
  std::string_view within;  // "on this subscale"
};
constexpr Words kScores{"score", "scores", "on this subscale"};
constexpr Words kAnswers{"answer", "answers", "to this item"};

template <class Comparison>
void add_mann_whitney(Comparison& result, const std::vector<std::string>& names,
                      const std::vector<std::vector<double>>& values, const Words& words) {
  bool approximated = false;
  std::vector<std::string> unreachable;
  std::vector<double> p;
  for (std::size_t a = 0; a < values.size(); ++a) {
    for (std::size_t b = a + 1; b < values.size(); ++b) {
      const detail::RankSumTest test = detail::mann_whitney(values[a], values[b]);
      MannWhitneyPair pair;
      pair.a = names[a];
      pair.b = names[b];
      pair.n_a = values[a].size();
      pair.n_b = values[b].size();
      pair.w = test.w;
      pair.p = Statistic(test.p);
      pair.exact = test.exact;
      pair.rank_biserial = Statistic(1 - 2 * test.w / (static_cast<double>(pair.n_a) * static_cast<double>(pair.n_b)));
      approximated = approximated || (!test.exact && pair.n_a < 50 && pair.n_b < 50);
      if (detail::smallest_rank_sum_p(pair.n_a, pair.n_b) >= 0.05) unreachable.push_back(pair.a + " vs " + pair.b);
      p.push_back(test.p);
      result.mann_whitney.push_back(std::move(pair));
    }
  }
  const std::vector<double> adjusted = detail::holm_adjust(p);
  for (std::size_t k = 0; k < adjusted.size(); ++k) result.mann_whitney[k].p_holm = Statistic(adjusted[k]);
  if (approximated) {
    result.warnings.push_back("Mann-Whitney: tied " + std::string(words.many) +
                              ", so no exact p; p values are normal approximations with "
                              "tie and continuity correction (as R)");
  }
  if (!unreachable.empty()) {
    std::string list;
    for (const auto& name : unreachable) list += (list.empty() ? "" : ", ") + name;
    result.warnings.push_back("Mann-Whitney " + list +
                              ": the groups are so small that even the exact test cannot reach p < 0.05");
  }
}

GroupSummary summarize_group(const std::string& name, std::span<const double> values) {
  const detail::Summary summary = detail::summarize(values);
  return {.name = name,
          .n = summary.n,
          .mean = Statistic(summary.mean),
          .sd = Statistic(summary.sd),
          .median = Statistic(summary.median),
          .q1 = Statistic(summary.q1),
          .q3 = Statistic(summary.q3),
          .distribution = std::nullopt};
}

// The tests across the groups of `values` (a subscale's scores or an item's
// answers, one vector per group), by the same rules for both: Kruskal-Wallis,
// Mann-Whitney for every pair with Holm across them, Welch's t for two groups.
template <class Comparison>
void test_groups(Comparison& result, const std::vector<std::string>& names,
                 const std::vector<std::vector<double>>& values, double ci_level, const Words& words) {
  std::vector<std::string> empty;
  for (std::size_t g = 0; g < values.size(); ++g) {
    if (values[g].empty()) empty.push_back(in_quotes(names[g]));
  }
  if (!empty.empty()) {
    std::string list;
    for (const auto& name : empty) list += (list.empty() ? "" : ", ") + name;
    result.warnings.push_back("group(s) " + list + " have no " + std::string(words.one) + " " +
                              std::string(words.within) + ": the tests are null");
    return;
  }

  std::vector<std::span<const double>> views(values.begin(), values.end());
  const detail::KruskalWallisTest kruskal = detail::kruskal_wallis(views);
  result.kruskal_wallis =
      KruskalWallisResult{Statistic(kruskal.h), kruskal.df, Statistic(kruskal.p), Statistic(kruskal.epsilon_squared)};
  if (!result.kruskal_wallis->h) {
    result.warnings.push_back("every " + std::string(words.one) +
                              " is the same: Kruskal-Wallis H and p are undefined (null)");
  }
  add_mann_whitney(result, names, values, words);

  if (values.size() == 2) {
    const auto welch = detail::welch_t(values[0], values[1], ci_level);
    if (welch) {
      result.welch_t = WelchT{welch->t, welch->df, welch->p, welch->estimate, welch->ci_lower, welch->ci_upper};
    } else if (welch.error() == detail::TTestFailure::too_few_values) {
      result.warnings.push_back("Welch's t test needs at least 2 " + std::string(words.many) +
                                " in each group: welch_t is null");
    } else {
      result.warnings.push_back("the " + std::string(words.many) +
                                " do not vary within the groups: Welch's t test is undefined (R: \"data "
                                "are essentially constant\"); welch_t is null");
    }
  }

  std::size_t smallest = values.front().size();
  for (const auto& group : values) smallest = std::min(smallest, group.size());
  if (smallest < 5) {
    result.warnings.push_back("the smallest group has " + std::to_string(smallest) + " " + std::string(words.one) +
                              "(s): comparisons this small can detect only very large differences");
  }
}

// One item on its raw answers: every usable respondent of each group who
// answered it counts, whatever the subscale's min_answered.
ItemComparison analyse_item(const Instrument& instrument, std::size_t item_index, const std::vector<std::string>& names,
                            const std::vector<const ResponseMatrix*>& waves, double ci_level) {
  const Item& item = instrument.items[item_index];
  ItemComparison result;
  result.id = item.id;
  std::vector<std::vector<double>> values(waves.size());
  for (std::size_t g = 0; g < waves.size(); ++g) {
    std::vector<std::size_t> rows;
    for (std::size_t r = 0; r < waves[g]->respondent_count(); ++r) {
      if (waves[g]->usable(r)) rows.push_back(r);
    }
    const std::vector<double> column = detail::item_column(*waves[g], item_index, rows);
    values[g] = detail::answered(column);
    GroupSummary summary = summarize_group(names[g], values[g]);
    summary.distribution = detail::answer_distribution(item, column);
    result.groups.push_back(std::move(summary));
  }
  test_groups(result, names, values, ci_level, kAnswers);
  return result;
}

SubscaleComparison analyse_subscale(const Instrument& instrument, std::size_t subscale_index,
                                    const std::vector<std::string>& names,
                                    const std::vector<const ResponseMatrix*>& waves,
                                    const std::vector<ScoreTable>& tables, const CompareOptions& options) {
  SubscaleComparison result;
  result.id = instrument.subscales[subscale_index].id;
  std::vector<std::vector<double>> values(waves.size());
  for (std::size_t g = 0; g < waves.size(); ++g) {
    for (std::size_t r = 0; r < waves[g]->respondent_count(); ++r) {
      if (!waves[g]->usable(r)) continue;
      if (const auto& value = tables[g].at(r, subscale_index).value) values[g].push_back(*value);
    }
    result.groups.push_back(summarize_group(names[g], values[g]));
  }
  test_groups(result, names, values, options.ci_level, kScores);
  if (options.items) {
    for (const std::size_t item : instrument.subscales[subscale_index].items) {
      result.items.push_back(analyse_item(instrument, item, names, waves, options.ci_level));
    }
  }
  return result;
}

Result<CompareReport> compare_waves(const Instrument& instrument, const std::vector<std::string>& names,
                                    const std::vector<const ResponseMatrix*>& waves, const CompareOptions& options,
                                    std::vector<std::string> warnings) {
  std::vector<Problem> problems;
  const std::vector<std::size_t> selected = detail::select_subscales(instrument, options.subscales, problems);
  if (!(options.ci_level > 0 && options.ci_level < 1)) {
    problems.push_back(problem_at("/ci_level", "out_of_range", "ci_level must be between 0 and 1 (exclusive)"));
  }
  if (names.size() < 2) {
    problems.push_back(problem_at("/groups", "too_few_groups",
                                  "a comparison needs at least 2 groups; found " + std::to_string(names.size())));
  }
  std::unordered_set<std::string_view> seen;
  for (std::size_t g = 0; g < names.size(); ++g) {
    const std::string pointer = detail::pointer_append("/groups", names[g]);
    if (!seen.insert(names[g]).second) {
      problems.push_back(problem_at(pointer, "duplicate_group", "group " + in_quotes(names[g]) + " is given twice"));
    }
    const ResponseMatrix& wave = *waves[g];
    if (!detail::decoded_for(instrument, wave)) {
      problems.push_back(
          problem_at(pointer, "wrong_instrument",
                     "group " + in_quotes(names[g]) + " was not decoded for instrument \"" + instrument.id + "\""));
    }
  }
  if (!problems.empty()) return std::unexpected(detail::invalid_request(std::move(problems), "compare request"));

  CompareReport report;
  report.ci_level = options.ci_level;
  report.items = options.items;
  report.groups = names;
  std::vector<ScoreTable> tables;
  std::size_t with_errors = 0;
  std::unordered_map<std::string_view, std::size_t> group_of_id;
  std::size_t in_several = 0;
  for (std::size_t g = 0; g < waves.size(); ++g) {
    tables.push_back(score(instrument, *waves[g]));
    report.group_sizes.push_back(waves[g]->usable_count());
    with_errors += waves[g]->respondent_count() - waves[g]->usable_count();
    for (const auto& id : waves[g]->ids) {
      const auto [it, inserted] = group_of_id.emplace(id, g);
      if (!inserted && it->second != g) ++in_several;
    }
    bool any_score = false;
    for (std::size_t r = 0; r < waves[g]->respondent_count() && !any_score; ++r) {
      if (!waves[g]->usable(r)) continue;
      for (const std::size_t s : selected) any_score = any_score || tables[g].at(r, s).value.has_value();
    }
    if (!any_score) {
      problems.push_back(problem_at(detail::pointer_append("/groups", names[g]), "empty_group",
                                    "group " + in_quotes(names[g]) +
                                        " has no score on any subscale analysed (no respondents, answer errors, "
                                        "or too few items answered)"));
    }
  }
  if (!problems.empty()) return std::unexpected(detail::invalid_request(std::move(problems), "compare request"));

  for (std::size_t g = 0; g < waves.size(); ++g) {
    for (const auto& warning : waves[g]->warnings) warnings.push_back("group " + in_quotes(names[g]) + ": " + warning);
    for (const auto& warning : tables[g].warnings) warnings.push_back("group " + in_quotes(names[g]) + ": " + warning);
  }
  if (with_errors > 0) {
    warnings.push_back(std::to_string(with_errors) +
                       " respondent(s) with answer errors are left out of every statistic");
  }
  if (in_several > 0) {
    warnings.push_back(std::to_string(in_several) +
                       " respondent id(s) appear in more than one group; the tests assume independent groups");
  }
  for (const std::size_t s : selected) {
    report.subscales.push_back(analyse_subscale(instrument, s, names, waves, tables, options));
  }
  report.warnings = std::move(warnings);
  return report;
}

// The labels of the categorical covariate `name` of `responses`, one per
// respondent (empty = missing).
Result<const std::vector<std::string>*> group_covariate(const ResponseMatrix& responses, const std::string& name) {
  const Covariate* covariate = responses.covariate(name);
  if (!covariate) {
    std::string carried;
    for (const Covariate& c : responses.covariates) carried += (carried.empty() ? "" : ", ") + in_quotes(c.name);
    return std::unexpected(detail::invalid_request(
        {problem_at("/group_covariate", "unknown_covariate",
                    "no covariate " + in_quotes(name) + " in the responses (" +
                        (carried.empty() ? std::string("they carry none") : "they carry " + carried) + ")")},
        "compare request"));
  }
  if (covariate->numeric) {
    return std::unexpected(detail::invalid_request(
        {problem_at("/group_covariate", "numeric_covariate",
                    "covariate " + in_quotes(name) +
                        " is numeric, and groups are the levels of a categorical covariate (text values such as "
                        "\"5plus\"); give its values as text, or as bands")},
        "compare request"));
  }
  return &covariate->labels;
}

}  // namespace

Result<CompareReport> compare(const Instrument& instrument,
                              const std::vector<std::pair<std::string, ResponseMatrix>>& groups,
                              const CompareOptions& options) {
  if (!options.group_covariate.empty()) {
    return std::unexpected(detail::invalid_request(
        {problem_at("/group_covariate", "conflicting_options",
                    "group_covariate groups one wave by a covariate; these groups are named already")},
        "compare request"));
  }
  std::vector<std::string> names;
  std::vector<const ResponseMatrix*> waves;
  for (const auto& [name, wave] : groups) {
    names.push_back(name);
    waves.push_back(&wave);
  }
  return compare_waves(instrument, names, waves, options, {});
}

Result<CompareReport> compare(const Instrument& instrument, const ResponseMatrix& responses,
                              const CompareOptions& options) {
  if (!detail::decoded_for(instrument, responses)) {
    return std::unexpected(detail::invalid_request(
        {problem_at("", "wrong_instrument", "the responses were not decoded for instrument \"" + instrument.id + "\"")},
        "compare request"));
  }
  const std::string& by = options.group_covariate;
  const std::vector<std::string>* labels = &responses.groups;
  if (!by.empty()) {
    auto covariate = group_covariate(responses, by);
    if (!covariate) return std::unexpected(std::move(covariate.error()));
    labels = *covariate;
  } else if (responses.groups.size() != responses.respondent_count()) {
    return std::unexpected(detail::invalid_request(
        {problem_at("/groups", "no_groups",
                    "the responses carry no group labels; read them with a group column (CsvOptions::group_column, CLI "
                    "--group-column)")},
        "compare request"));
  }
  std::vector<std::string> names;
  std::unordered_map<std::string_view, std::size_t> index;
  std::vector<ResponseMatrix> waves;
  std::size_t unlabelled = 0;
  for (std::size_t r = 0; r < responses.respondent_count(); ++r) {
    const std::string& label = (*labels)[r];
    if (label.empty()) {
      ++unlabelled;
      continue;
    }
    auto found = index.find(label);
    if (found == index.end()) {
      found = index.emplace(label, names.size()).first;
      names.push_back(label);
      ResponseMatrix& wave = waves.emplace_back();
      wave.item_count = responses.item_count;
    }
    ResponseMatrix& wave = waves[found->second];
    wave.ids.push_back(responses.ids[r]);
    const auto row = responses.row(r);
    wave.answers.insert(wave.answers.end(), row.begin(), row.end());
    wave.errors.push_back(responses.errors[r]);
  }
  std::vector<std::string> warnings = responses.warnings;
  if (unlabelled > 0) {
    warnings.push_back(std::to_string(unlabelled) +
                       (by.empty() ? " respondent(s) with an empty group are left out"
                                   : " respondent(s) without a value of covariate " + in_quotes(by) + " are left out"));
  }
  if (!by.empty() && names.size() < 2) {
    const std::string found = names.empty() ? "no respondent has a value"
                                            : "its only level among the respondents is " + in_quotes(names.front());
    return std::unexpected(
        detail::invalid_request({problem_at("/group_covariate", "too_few_groups",
                                            "covariate " + in_quotes(by) + " forms fewer than 2 groups (" + found +
                                                "); a comparison needs at least 2")},
                                "compare request"));
  }
  std::vector<const ResponseMatrix*> pointers;
  pointers.reserve(waves.size());
  for (const auto& wave : waves) pointers.push_back(&wave);
  auto report = compare_waves(instrument, names, pointers, options, std::move(warnings));
  // The groups of a covariate are not in the request: its problems are the
  // covariate's.
  if (!report && !by.empty()) {
    for (Problem& problem : report.error().problems) {
      if (problem.pointer.starts_with("/groups")) problem.pointer = "/group_covariate";
    }
  }
  return report;
}

}  // namespace psyscore
