// Controlled pre/post designs: two or more groups (a Balint group and a
// waiting list, say), each measured before and after, per subscale.
//
// Comparing two within-group changes is the classic mistake; the analysis a
// reviewer expects is an ANCOVA of the post score adjusted for the pre score,
// by group. psyscore reports, per subscale: each group's paired descriptives
// (and its reliable change, as `change` computes it for that group alone);
// lm(post ~ pre + group) with treatment coding (the reference group first)
// as R 4.2 gives it: summary() coefficients with confint(), the F test for
// group of drop1(model, test = "F"), its partial eta squared and the
// emmeans(model, ~ group) adjusted means (pre at its mean); with two groups
// Welch's t test of the change scores (t.test(post - pre ~ group)); and the
// pre x group interaction test, with warnings in plain words where the design
// is weak (small or unequal groups, groups unequal at baseline, slopes that
// differ between groups). The formulas: docs/statistics.md ("Controlled
// pre/post designs").
//
//   std::vector<psyscore::ControlledGroup> groups;
//   groups.push_back({"balint", std::move(balint_pre), std::move(balint_post)});
//   groups.push_back({"waitlist", std::move(waitlist_pre), std::move(waitlist_post)});
//   psyscore::ControlledOptions options;
//   options.reference = "waitlist";
//   auto report = psyscore::controlled(*instrument, groups, options);
//   if (!report) return fail(report.error());
//   std::cout << psyscore::encode_controlled_result(*instrument, *report);
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "psyscore/change.hpp"
#include "psyscore/errors.hpp"
#include "psyscore/instrument.hpp"
#include "psyscore/responses.hpp"

namespace psyscore {

// One arm of the design: its two waves, paired by respondent id.
struct ControlledGroup {
  std::string name;
  ResponseMatrix pre;
  ResponseMatrix post;
};

struct ControlledOptions {
  // The group every other is compared with (R's first factor level).
  // Default: empty, meaning the first group.
  std::string reference;
  // Level of the coefficient intervals, adjusted means and the Welch interval,
  // in (0, 1). Default: 0.95.
  double ci_level = 0.95;
  // Subscale ids to analyse, in this order. Default: empty, meaning every
  // subscale in definition order.
  std::vector<std::string> subscales;
  // The reliable change of each group, as in ChangeOptions. Defaults: the
  // group's sample alpha, 1.96 (1.645 for ha), Jacobson-Truax.
  RciReliability rci_reliability = RciFromSample{};
  std::optional<double> rci_criterion;
  RciMethod rci_method = RciMethod::jt;
  std::optional<RciReliability> reliability_post;
};

// One group's complete pairs for the subscale and, from `change` on that
// group alone, its reliable change (nullopt where change could not give one;
// its warnings say why).
struct ControlledGroupSummary {
  std::string name;
  std::size_t n_pairs = 0;
  MeanSd pre;
  MeanSd post;
  MeanSd difference;
  std::optional<ReliableChange> rci;
};

struct AncovaTerm {
  std::string term;  // "(Intercept)", "pre", "group<name>"
  Statistic estimate;
  Statistic se;
  Statistic t;
  Statistic p;
  Statistic lower;
  Statistic upper;
};

struct FTestResult {
  Statistic f;
  double num_df = 0;
  double den_df = 0;
  Statistic p;
};

struct AdjustedMeanResult {
  std::string group;
  Statistic estimate;
  Statistic se;
  Statistic df;
  Statistic lower;
  Statistic upper;
};

struct AncovaReport {
  std::size_t n = 0;  // complete pairs over all groups
  std::size_t df_residual = 0;
  Statistic r_squared;
  Statistic adj_r_squared;
  Statistic sigma;
  std::vector<AncovaTerm> coefficients;
  FTestResult group_test;  // drop1(model, test = "F") for group
  Statistic group_sum_of_squares;
  Statistic residual_sum_of_squares;
  Statistic partial_eta_squared;  // SS_group / (SS_group + SS_residual)
  Statistic pre_mean;             // where the adjusted means are evaluated
  std::vector<AdjustedMeanResult> adjusted_means;
  // anova(lm(post ~ pre + group), lm(post ~ pre * group)): whether one
  // common slope fits every group.
  FTestResult interaction_test;
};

// R: t.test(post - pre ~ group), Welch; the difference is the reference
// group's mean change minus the other group's.
struct ChangeWelch {
  double t = 0;
  double df = 0;
  double p = 0;
  double difference = 0;
  double ci_lower = 0;
  double ci_upper = 0;
};

struct SubscaleControlled {
  std::string id;
  std::vector<ControlledGroupSummary> groups;  // reference first
  std::optional<AncovaReport> ancova;          // nullopt: too few pairs (see warnings)
  std::optional<ChangeWelch> change_welch;     // two groups only
  // The largest difference between the groups' mean pre scores in units of
  // the pooled within-group SD of the pre scores.
  Statistic baseline_difference_sd;
  std::vector<std::string> warnings;
};

struct ControlledReport {
  double ci_level = 0.95;
  std::string reference;
  std::vector<std::string> groups;  // reference first, then in the request's order
  std::vector<SubscaleControlled> subscales;
  std::vector<std::string> warnings;  // about the request as a whole
};

// Analyses a controlled pre/post design of `instrument` (every wave decoded
// for it). Within each group respondents are paired by id, as `change` pairs
// them; a respondent with answer errors in either wave is left out.
//
// Errors (ErrorCode::invalid, one Problem per cause, each with a JSON pointer
// into the request: /groups, /groups/<name>, /options/...): fewer than two
// groups; a group name given twice or empty; a reference that is not a group;
// a group with fewer than 2 usable pairs; a respondent id in two groups;
// ci_level outside (0, 1); an unknown subscale; the reliable-change options'
// own errors (as change(), under /groups/<name>). Thread-safe.
Result<ControlledReport> controlled(const Instrument& instrument, const std::vector<ControlledGroup>& groups,
                                    const ControlledOptions& options = {});

}  // namespace psyscore
