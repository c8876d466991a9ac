#include "psyscore/controlled.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>
#include <span>
#include <unordered_map>
#include <utility>

#include "psyscore/scoring.hpp"
#include "scoring/analysis/controlled_design.hpp"
#include "scoring/analysis/request_checks.hpp"
#include "scoring/stats/ancova.hpp"
#include "scoring/stats/descriptives.hpp"
#include "scoring/stats/location_tests.hpp"
#include "scoring/util/json_input.hpp"

namespace psyscore {

namespace {

using detail::in_quotes;
using detail::problem_at;

// The limits of the design warnings (shared with the report's notes).
constexpr std::size_t kSmallGroup = detail::kControlledSmallGroup;
constexpr double kUnequalRatio = detail::kControlledUnequalRatio;
constexpr double kBaselineImbalance = detail::kControlledBaselineImbalance;
constexpr double kInteractionLevel = detail::kControlledInteractionLevel;

std::string number_text(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", x);
  return buffer;
}

std::string group_pointer(const std::string& name) { return detail::pointer_append("/groups", name); }

// A problem of change() on one group, moved to where it lies in this request:
// a wave's problems under /groups/<name>, the options' under /options.
Problem relocated(Problem problem, const std::string& group) {
  const std::string& pointer = problem.pointer;
  const bool in_wave = pointer.empty() || pointer.starts_with("/pre") || pointer.starts_with("/post");
  problem.pointer = (in_wave ? group_pointer(group) : std::string("/options")) + pointer;
  return problem;
}

void check_request(const std::vector<ControlledGroup>& groups, const ControlledOptions& options,
                   std::vector<Problem>& problems) {
  if (groups.size() < 2) {
    problems.push_back(problem_at("/groups", "too_few_groups",
                                  "a controlled design needs at least 2 groups (e.g. the intervention and a waiting "
                                  "list); found " +
                                      std::to_string(groups.size()) + "; for one group use change"));
  }
  std::set<std::string, std::less<>> names;
  for (const ControlledGroup& group : groups) {
    if (group.name.empty()) {
      problems.push_back(problem_at("/groups", "empty_group_name", "a group name must not be empty"));
    } else if (!names.insert(group.name).second) {
      problems.push_back(problem_at(group_pointer(group.name), "duplicate_group",
                                    "group " + in_quotes(group.name) + " is given more than once"));
    }
  }
  if (!options.reference.empty() && !names.contains(options.reference)) {
    std::string known;
    for (const auto& name : names) known += (known.empty() ? "" : ", ") + in_quotes(name);
    problems.push_back(problem_at(
        "/options/reference", "unknown_group",
        "the reference group " + in_quotes(options.reference) + " is not one of the groups (" + known + ")"));
  }
  if (!(options.ci_level > 0 && options.ci_level < 1)) {
    problems.push_back(problem_at("/options/ci_level", "out_of_range", "ci_level must be between 0 and 1 (exclusive)"));
  }
  // A respondent randomised to two arms is a data error, not something to pair around.
  std::unordered_map<std::string_view, const std::string*> owner;
  for (const ControlledGroup& group : groups) {
    std::set<std::string_view> own;
    for (const auto* wave : {&group.pre, &group.post}) {
      for (const std::string& id : wave->ids) own.insert(id);
    }
    for (const std::string_view id : own) {
      const auto [it, inserted] = owner.emplace(id, &group.name);
      if (inserted || *it->second == group.name) continue;
      problems.push_back(problem_at(group_pointer(group.name), "id_in_two_groups",
                                    "respondent id " + in_quotes(id) + " is in group " + in_quotes(*it->second) +
                                        " and in group " + in_quotes(group.name) +
                                        "; each respondent belongs to one group"));
    }
  }
}

struct Pair {
  std::size_t pre_row;
  std::size_t post_row;
};

// Usable respondents of both waves, paired by id, in the pre wave's order.
std::vector<Pair> pair_by_id(const ResponseMatrix& pre, const ResponseMatrix& post) {
  std::unordered_map<std::string_view, std::size_t> post_rows;
  for (std::size_t r = 0; r < post.respondent_count(); ++r) post_rows.emplace(post.ids[r], r);
  std::vector<Pair> pairs;
  for (std::size_t r = 0; r < pre.respondent_count(); ++r) {
    const auto found = post_rows.find(pre.ids[r]);
    if (found == post_rows.end() || !pre.usable(r) || !post.usable(found->second)) continue;
    pairs.push_back({r, found->second});
  }
  return pairs;
}

// The scores of one group: its pairs and both waves' score tables.
struct GroupScores {
  std::vector<Pair> pairs;
  ScoreTable pre;
  ScoreTable post;
};

AncovaReport ancova_report(const detail::AncovaResult& fit) {
  AncovaReport report;
  report.n = static_cast<std::size_t>(fit.n);
  report.df_residual = static_cast<std::size_t>(fit.df_residual);
  report.r_squared = Statistic(fit.r_squared);
  report.adj_r_squared = Statistic(fit.adj_r_squared);
  report.sigma = Statistic(fit.sigma);
  for (const detail::AncovaCoefficient& c : fit.coefficients) {
    report.coefficients.push_back({c.term, Statistic(c.estimate), Statistic(c.se), Statistic(c.t), Statistic(c.p),
                                   Statistic(c.lower), Statistic(c.upper)});
  }
  report.group_test = {Statistic(fit.group_test.f), fit.group_test.num_df, fit.group_test.den_df,
                       Statistic(fit.group_test.p)};
  report.group_sum_of_squares = Statistic(fit.group_sum_of_squares);
  report.residual_sum_of_squares = Statistic(fit.residual_sum_of_squares);
  report.partial_eta_squared = Statistic(fit.partial_eta_squared);
  report.pre_mean = Statistic(fit.pre_mean);
  for (const detail::AdjustedMean& m : fit.adjusted_means) {
    report.adjusted_means.push_back(
        {m.group, Statistic(m.estimate), Statistic(m.se), Statistic(m.df), Statistic(m.lower), Statistic(m.upper)});
  }
  report.interaction_test = {Statistic(fit.interaction_test.f), fit.interaction_test.num_df,
                             fit.interaction_test.den_df, Statistic(fit.interaction_test.p)};
  return report;
}

void add_design_warnings(SubscaleControlled& result) {
  std::size_t smallest = SIZE_MAX;
  std::size_t largest = 0;
  for (const ControlledGroupSummary& group : result.groups) {
    smallest = std::min(smallest, group.n_pairs);
    largest = std::max(largest, group.n_pairs);
    if (group.n_pairs < kSmallGroup) {
      result.warnings.push_back("group " + in_quotes(group.name) + " has only " + std::to_string(group.n_pairs) +
                                " complete pair(s): with fewer than " + std::to_string(kSmallGroup) +
                                " people a group's adjusted mean rests on a handful of answers");
    }
  }
  if (smallest > 0 && static_cast<double>(largest) >= kUnequalRatio * static_cast<double>(smallest)) {
    result.warnings.push_back("the groups are unequal in size (" + std::to_string(smallest) + " against " +
                              std::to_string(largest) +
                              " complete pairs): the F test and intervals assume equal spread in every group, "
                              "and with unequal groups they are misleading when that fails");
  }
  if (result.baseline_difference_sd && *result.baseline_difference_sd > kBaselineImbalance) {
    result.warnings.push_back("the groups differ at baseline by " + number_text(*result.baseline_difference_sd) +
                              " standard deviations of the pre score (more than half an SD): the adjustment for "
                              "the pre score corrects for this only as far as a straight line does, so read the "
                              "adjusted means with care");
  }
  if (!result.ancova) return;
  const AncovaReport& ancova = *result.ancova;
  const FTestResult& interaction = ancova.interaction_test;
  if (interaction.p && *interaction.p < kInteractionLevel) {
    result.warnings.push_back(
        "the pre-post slope differs between the groups (pre x group interaction F = " + number_text(*interaction.f) +
        ", p = " + number_text(*interaction.p) +
        "): one common slope does not fit, so the adjusted difference between the groups depends on the pre score "
        "and the single ANCOVA effect is an average over it");
  }
  for (const AncovaTerm& term : ancova.coefficients) {
    if (term.estimate) continue;
    result.warnings.push_back(
        term.term == "pre"
            ? std::string("the pre scores do not vary: the ANCOVA cannot adjust for them (pre is aliased, as R's NA)")
            : "term " + in_quotes(term.term) +
                  " is aliased (R's NA): the pre scores alone tell the groups apart, so the group effect is not "
                  "estimable");
  }
  if (ancova.df_residual == 0) {
    result.warnings.push_back(
        "no residual degrees of freedom: as many parameters as pairs, so no standard error, test or interval");
  }
}

SubscaleControlled analyse_subscale(const Instrument& instrument, std::size_t subscale_index,
                                    const std::vector<const ControlledGroup*>& ordered,
                                    const std::vector<GroupScores>& scores,
                                    const std::vector<const SubscaleChange*>& changes, double ci_level) {
  SubscaleControlled result;
  result.id = instrument.subscales[subscale_index].id;
  std::vector<double> pre;
  std::vector<double> post;
  std::vector<std::size_t> group;
  std::vector<std::string> names;
  std::vector<std::vector<double>> pre_by_group(ordered.size());
  std::vector<std::vector<double>> change_by_group(ordered.size());
  for (std::size_t g = 0; g < ordered.size(); ++g) {
    names.push_back(ordered[g]->name);
    for (const Pair& pair : scores[g].pairs) {
      const auto& before = scores[g].pre.at(pair.pre_row, subscale_index).value;
      const auto& after = scores[g].post.at(pair.post_row, subscale_index).value;
      if (!before || !after) continue;
      pre.push_back(*before);
      post.push_back(*after);
      group.push_back(g);
      pre_by_group[g].push_back(*before);
      change_by_group[g].push_back(*after - *before);
    }
    ControlledGroupSummary summary;
    summary.name = ordered[g]->name;
    summary.n_pairs = pre_by_group[g].size();
    if (const SubscaleChange* change = changes[g]) {
      summary.pre = change->pre;
      summary.post = change->post;
      summary.difference = change->difference;
      summary.rci = change->rci;
      for (const std::string& warning : change->warnings) {
        if (warning.find("RCI") != std::string::npos || warning.find("rci") != std::string::npos) {
          result.warnings.push_back("group " + in_quotes(summary.name) + ": " + warning);
        }
      }
    }
    result.groups.push_back(std::move(summary));
  }

  // Baseline balance: group pre means against the pooled within-group SD.
  double pooled_ss = 0;
  double lowest = std::numeric_limits<double>::infinity();
  double highest = -std::numeric_limits<double>::infinity();
  for (const auto& values : pre_by_group) {
    if (values.empty()) continue;
    const double m = detail::mean(values);
    for (const double v : values) pooled_ss += (v - m) * (v - m);
    lowest = std::min(lowest, m);
    highest = std::max(highest, m);
  }
  const double pooled_df = static_cast<double>(pre.size()) - static_cast<double>(ordered.size());
  if (pooled_df > 0 && pooled_ss > 0)
    result.baseline_difference_sd = (highest - lowest) / std::sqrt(pooled_ss / pooled_df);

  const bool every_group_has_pairs =
      std::all_of(pre_by_group.begin(), pre_by_group.end(), [](const auto& v) { return v.size() >= 2; });
  if (every_group_has_pairs) {
    result.ancova = ancova_report(detail::ancova(pre, post, group, names, ci_level));
  } else {
    result.warnings.push_back(
        "a group has fewer than 2 people with a score in both waves for this subscale (too many unanswered items): "
        "no ANCOVA");
  }
  if (ordered.size() == 2 && every_group_has_pairs) {
    const auto test = detail::welch_t(change_by_group[0], change_by_group[1], ci_level);
    if (test) {
      result.change_welch = ChangeWelch{test->t, test->df, test->p, test->estimate, test->ci_lower, test->ci_upper};
    } else {
      result.warnings.push_back(
          "the change scores do not vary within the groups: Welch's t test of the change is undefined (null)");
    }
  }
  add_design_warnings(result);
  return result;
}

}  // namespace

Result<ControlledReport> controlled(const Instrument& instrument, const std::vector<ControlledGroup>& groups,
                                    const ControlledOptions& options) {
  std::vector<Problem> problems;
  std::vector<Problem> subscale_problems;
  const std::vector<std::size_t> selected = detail::select_subscales(instrument, options.subscales, subscale_problems);
  for (Problem& p : subscale_problems) {
    p.pointer = "/options" + p.pointer;
    problems.push_back(std::move(p));
  }
  check_request(groups, options, problems);
  if (!problems.empty()) return std::unexpected(detail::invalid_request(std::move(problems), "controlled request"));

  // Reference first, then the others in the request's order (R's levels).
  std::vector<const ControlledGroup*> ordered;
  const std::string reference = options.reference.empty() ? groups.front().name : options.reference;
  for (const ControlledGroup& group : groups) {
    if (group.name == reference) ordered.push_back(&group);
  }
  for (const ControlledGroup& group : groups) {
    if (group.name != reference) ordered.push_back(&group);
  }

  ChangeOptions change_options;
  change_options.ci_level = options.ci_level;
  change_options.rci_reliability = options.rci_reliability;
  change_options.rci_criterion = options.rci_criterion;
  change_options.rci_method = options.rci_method;
  change_options.reliability_post = options.reliability_post;
  for (const std::size_t s : selected) change_options.subscales.push_back(instrument.subscales[s].id);

  ControlledReport report;
  report.ci_level = options.ci_level;
  report.reference = reference;
  std::vector<ChangeReport> changes;
  std::vector<GroupScores> scores;
  std::set<std::pair<std::string, std::string>> seen_option_problems;
  for (const ControlledGroup* group : ordered) {
    report.groups.push_back(group->name);
    auto change_report = change(instrument, group->pre, group->post, change_options);
    if (!change_report) {
      for (Problem& p : change_report.error().problems) {
        Problem moved = relocated(std::move(p), group->name);
        // The options are the same for every group: report their problems once.
        if (moved.pointer.starts_with("/options") && !seen_option_problems.emplace(moved.pointer, moved.code).second) {
          continue;
        }
        problems.push_back(std::move(moved));
      }
      continue;
    }
    for (const std::string& warning : change_report->warnings) {
      report.warnings.push_back("group " + in_quotes(group->name) + ": " + warning);
    }
    changes.push_back(std::move(*change_report));
    scores.push_back(
        {pair_by_id(group->pre, group->post), score(instrument, group->pre), score(instrument, group->post)});
  }
  if (!problems.empty()) return std::unexpected(detail::invalid_request(std::move(problems), "controlled request"));

  for (std::size_t k = 0; k < selected.size(); ++k) {
    std::vector<const SubscaleChange*> subscale_changes;
    for (const ChangeReport& change_report : changes) {
      const SubscaleChange* found = nullptr;
      for (const SubscaleChange& s : change_report.subscales) {
        if (s.id == instrument.subscales[selected[k]].id) found = &s;
      }
      subscale_changes.push_back(found);
    }
    report.subscales.push_back(
        analyse_subscale(instrument, selected[k], ordered, scores, subscale_changes, options.ci_level));
  }
  return report;
}

}  // namespace psyscore
