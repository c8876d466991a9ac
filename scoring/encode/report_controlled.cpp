// The controlled section: per subscale the ANCOVA in plain words (how far
// apart the groups ended once their starting scores are allowed for), the
// adjusted means with their intervals, the coefficients, the plain comparison
// of the changes (two groups), the design's weak points in plain words, and
// each group's Jacobson-Truax plot side by side.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "scoring/analysis/controlled_design.hpp"
#include "scoring/encode/report_format.hpp"
#include "scoring/encode/report_sections.hpp"
#include "scoring/encode/svg_plot.hpp"

namespace psyscore::detail {
namespace {

bool rounds_to_zero(double value, int decimals) {
  return svg::format_fixed(std::abs(value), decimals).find_first_not_of("0.") == std::string::npos;
}

std::string group_words(const std::string& name) { return "the " + name + " group"; }

std::string ci_words(double ci_level) { return format_percent(ci_level) + " CI"; }

std::string group_summary_sentence(const ControlledGroupSummary& group, const Subscale& subscale) {
  std::string sentence =
      group.name + ": " + count_of(group.n_pairs, "participant", "participants") + " with a score both times";
  if (!value_of(group.pre.mean) || !value_of(group.post.mean)) return sentence + ".";
  return sentence + ", on average " + format_score(group.pre.mean, subscale) + " before and " +
         format_score(group.post.mean, subscale) + " after (a change of " +
         format_score(group.difference.mean, subscale) + ").";
}

// One sentence per group compared with the reference: the ANCOVA's group
// coefficient, which is that group's adjusted mean minus the reference's.
std::string effect_sentence(const AncovaTerm& term, const std::string& group, const std::string& reference,
                            const Subscale& subscale, double ci_level) {
  const auto estimate = value_of(term.estimate);
  if (!estimate) {
    return "The difference between " + group_words(group) + " and " + group_words(reference) +
           " cannot be worked out from these data (the notes say why).";
  }
  const int decimals = score_decimals(subscale);
  bool clear = false;
  std::string sentence = "Adjusted for where they started, " + group_words(group) + " ended ";
  if (rounds_to_zero(*estimate, decimals)) {
    sentence += "at about the same score as " + group_words(reference);
  } else {
    sentence += svg::format_fixed(std::abs(*estimate), decimals) + " points " + (*estimate < 0 ? "lower" : "higher") +
                " than " + group_words(reference);
  }
  if (value_of(term.lower) && value_of(term.upper)) {
    sentence += " (" + ci_words(ci_level) + " " + format_score(term.lower, subscale) + " to " +
                format_score(term.upper, subscale) + ", " + p_equals(term.p) + ").";
    const bool includes_zero = *term.lower <= 0 && *term.upper >= 0;
    clear = !includes_zero;
    sentence += includes_zero
                    ? " The interval includes 0, so the data are also consistent with no difference between the groups."
                    : " The interval does not include 0.";
  } else {
    sentence += ".";
  }
  if (!rounds_to_zero(*estimate, decimals)) {
    const bool better = subscale.higher_is_better ? *estimate > 0 : *estimate < 0;
    sentence += std::string(subscale.higher_is_better ? " Higher" : " Lower") + " scores are better here, so " +
                (clear ? group_words(group) + " did " + (better ? "better" : "worse") + " than " +
                             group_words(reference) + " once their starting scores are allowed for."
                       : "the estimate favours " + group_words(better ? group : reference) +
                             ", but not clearly: the interval also allows no difference.");
  }
  return sentence;
}

// With two groups the F test for group is the coefficient's t test squared,
// so only its effect size is new.
std::string group_test_sentence(const AncovaReport& ancova, std::size_t groups) {
  std::string sentence;
  if (groups > 2 && value_of(ancova.group_test.f)) {
    sentence = "Do the groups differ at all, once their starting scores are allowed for? F(" +
               format_df(ancova.group_test.num_df) + ", " + format_df(ancova.group_test.den_df) +
               ") = " + format_statistic(ancova.group_test.f) + ", " + p_equals(ancova.group_test.p) + ".";
  }
  if (value_of(ancova.partial_eta_squared)) {
    sentence += std::string(sentence.empty() ? "" : " ") + "Partial eta squared is " +
                format_statistic(ancova.partial_eta_squared) +
                ": of the spread in the scores after that the starting scores do not explain, this share lies "
                "between the groups (0.01 is small, 0.06 medium, 0.14 large by Cohen's conventions).";
  }
  return sentence;
}

std::string adjusted_means_sentence(const AncovaReport& ancova, const Subscale& subscale, double ci_level) {
  std::string sentence = "Adjusted means (the average score after, for someone who started at " +
                         format_score(ancova.pre_mean, subscale) + ", the average of everyone before):";
  for (std::size_t g = 0; g < ancova.adjusted_means.size(); ++g) {
    const AdjustedMeanResult& mean = ancova.adjusted_means[g];
    sentence += (g == 0 ? " " : "; ") + mean.group + " " + format_score(mean.estimate, subscale);
    if (value_of(mean.lower) && value_of(mean.upper)) {
      sentence += " (" + ci_words(ci_level) + " " + format_score(mean.lower, subscale) + " to " +
                  format_score(mean.upper, subscale) + ")";
    }
  }
  return sentence + ".";
}

// R's t.test(post - pre ~ group) gives the reference's change minus the
// other's; the page says it the other way round, as the ANCOVA sentence does.
std::string welch_sentence(const ChangeWelch& welch, const std::string& reference, const std::string& other,
                           const Subscale& subscale, double ci_level) {
  const double difference = -welch.difference;
  const int decimals = score_decimals(subscale);
  std::string sentence = "Comparing the plain changes instead (after minus before, Welch's t test): ";
  if (rounds_to_zero(difference, decimals)) {
    sentence += group_words(other) + " changed on average by about as much as " + group_words(reference);
  } else {
    sentence += "on average the change of " + group_words(other) + " was " +
                svg::format_fixed(std::abs(difference), decimals) + " points " + (difference < 0 ? "lower" : "higher") +
                " than that of " + group_words(reference);
  }
  sentence += " (the difference in change " + format_score(difference, subscale) + ", " + ci_words(ci_level) + " " +
              format_score(-welch.ci_upper, subscale) + " to " + format_score(-welch.ci_lower, subscale) + "; t(" +
              format_df(welch.df) + ") = " + format_statistic(-welch.t) + ", " + p_equals(welch.p) +
              "). This comparison ignores where people started, so it is less precise than the adjusted one above, "
              "which is the one to rely on.";
  return sentence;
}

// The design's weak points, from the same numbers and limits as the
// analysis's own warnings (which follow them verbatim).
std::vector<std::string> design_notes(const SubscaleControlled& result) {
  std::vector<std::string> notes;
  std::size_t smallest = std::numeric_limits<std::size_t>::max();
  std::size_t largest = 0;
  for (const ControlledGroupSummary& group : result.groups) {
    smallest = std::min(smallest, group.n_pairs);
    largest = std::max(largest, group.n_pairs);
    if (group.n_pairs < kControlledSmallGroup) {
      notes.push_back("Only " + count_of(group.n_pairs, "person", "people") + " in " + group_words(group.name) +
                      " answered both times: that group's adjusted mean rests on a handful of answers.");
    }
  }
  if (smallest >= kControlledSmallGroup && smallest < 30) {
    notes.push_back("The smallest group has only " + count_of(smallest, "participant", "participants") +
                    " with a score both times: a difference between groups this small has to be large to show, and "
                    "a difference that shows may shrink in a larger study.");
  }
  if (smallest > 0 && static_cast<double>(largest) >= kControlledUnequalRatio * static_cast<double>(smallest)) {
    notes.push_back("The groups are of quite different sizes (" + std::to_string(smallest) + " and " +
                    std::to_string(largest) +
                    " participants). The test and the intervals assume that scores vary as much in every group; "
                    "with groups this unequal they can mislead when that is not so.");
  }
  if (const auto baseline = value_of(result.baseline_difference_sd);
      baseline && *baseline > kControlledBaselineImbalance) {
    notes.push_back("The groups did not start in the same place: their average scores before differ by " +
                    format_statistic(baseline) +
                    " standard deviations. The adjustment allows for this only as far as a straight line describes "
                    "how scores before lead to scores after, so read the adjusted difference with care.");
  }
  if (!result.ancova) {
    notes.push_back(
        "Too few people in a group have a score both times on this subscale, so there is no adjusted comparison.");
    return notes;
  }
  const AncovaReport& ancova = *result.ancova;
  if (const auto p = value_of(ancova.interaction_test.p); p && *p < kControlledInteractionLevel) {
    notes.push_back("How scores before lead to scores after differs between the groups (" +
                    p_equals(ancova.interaction_test.p) +
                    "), so the gap between them depends on where someone started; the single adjusted difference "
                    "is an average over starting points.");
  }
  const bool incomplete = ancova.df_residual == 0 || std::any_of(ancova.coefficients.begin(), ancova.coefficients.end(),
                                                                 [](const AncovaTerm& t) { return !t.estimate; });
  if (incomplete) {
    notes.push_back(
        "Some numbers of the adjusted comparison cannot be worked out from these data; the notes of the analysis "
        "below say which and why.");
  }
  bool small_alpha = false;
  for (const ControlledGroupSummary& group : result.groups) {
    if (group.rci && group.rci->reliability_source == ReliabilitySource::sample && group.rci->reliability_n < 30) {
      small_alpha = true;
    }
  }
  if (small_alpha) {
    notes.push_back(
        "Each group's reliable-change threshold rests on the alpha of that small group itself; the instrument's "
        "published alpha (option rci_reliability = published) gives a steadier threshold when there is one.");
  }
  return notes;
}

FigureView adjusted_means_figure(const AncovaReport& ancova, const SubscaleControlled& result, const Subscale& subscale,
                                 double ci_level) {
  std::vector<double> values;
  for (const AdjustedMeanResult& mean : ancova.adjusted_means) {
    for (const Statistic* v : {&mean.estimate, &mean.lower, &mean.upper}) {
      if (value_of(*v)) values.push_back(**v);
    }
  }
  if (values.empty()) return {};
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  const double pad = *hi > *lo ? 0 : 1;
  const std::string id = element_id("controlled-means", subscale.id);
  svg::Figure figure({.id = id,
                      .title = "Adjusted mean of " + subscale_name(subscale) + " after, by group",
                      .description = "One mark per group: its average score after, for someone who started at " +
                                     format_score(ancova.pre_mean, subscale) +
                                     " (the average of everyone before), with its " + format_percent(ci_level) +
                                     " confidence interval as a vertical line. " +
                                     (subscale.higher_is_better ? "Higher" : "Lower") + " scores are better.",
                      .width = 520,
                      .height = 340});
  figure.set_x(svg::Scale::linear(0, 1, figure.plot_left(), figure.plot_right()));
  figure.set_y(svg::Scale::nice_linear(*lo - pad, *hi + pad, figure.plot_bottom(), figure.plot_top()));
  const svg::BandScale bands(ancova.adjusted_means.size(), figure.plot_left(), figure.plot_right(), 0.4);
  std::vector<std::string> labels;
  for (std::size_t g = 0; g < ancova.adjusted_means.size(); ++g) {
    const AdjustedMeanResult& mean = ancova.adjusted_means[g];
    std::size_t n = 0;
    for (const ControlledGroupSummary& group : result.groups) {
      if (group.name == mean.group) n = group.n_pairs;
    }
    labels.push_back(mean.group + " (n = " + std::to_string(n) + ")");
    const std::string tooltip = mean.group + ": adjusted mean " + format_score(mean.estimate, subscale) + " (" +
                                ci_words(ci_level) + " " + format_score(mean.lower, subscale) + " to " +
                                format_score(mean.upper, subscale) + ")";
    const std::string_view colour = svg::kOkabeIto[(g % 7) + 1];
    if (value_of(mean.lower) && value_of(mean.upper)) {
      figure.error_bar_y(bands.center(g), *mean.lower, *mean.upper,
                         {.colour = colour, .width = 2, .css_class = "adjusted-interval"}, 8, tooltip);
    }
    if (value_of(mean.estimate)) {
      figure.point_px_x(bands.center(g), *mean.estimate,
                        {.colour = colour, .shape = svg::shape_for(g), .size = 11, .css_class = "adjusted-mean"},
                        tooltip);
    }
  }
  figure.x_axis_bands(bands, labels, "Group");
  figure.y_axis("Adjusted mean after: " + subscale_name(subscale));
  std::string caption = "Adjusted means of " + subscale_name(subscale) + " after, with their " +
                        format_percent(ci_level) + " confidence intervals.";
  return {.id = "figure-" + id, .svg = figure.render(), .caption = caption};
}

TableView adjusted_means_table(const AncovaReport& ancova, const SubscaleControlled& result, const Subscale& subscale,
                               double ci_level) {
  TableView table{.id = element_id("table-controlled-means", subscale.id),
                  .caption = "Adjusted means of " + subscale_name(subscale) + " after (at a score before of " +
                             format_score(ancova.pre_mean, subscale) + ")"};
  table.columns = {{"Group"},
                   {"Pairs", true},
                   {"Mean before", true},
                   {"Mean after", true},
                   {"Adjusted mean after", true},
                   {"SE", true},
                   {ci_words(ci_level), true}};
  for (const AdjustedMeanResult& mean : ancova.adjusted_means) {
    const ControlledGroupSummary* group = nullptr;
    for (const ControlledGroupSummary& g : result.groups) {
      if (g.name == mean.group) group = &g;
    }
    table.rows.push_back({{mean.group},
                          {group ? std::to_string(group->n_pairs) : std::string(kNotAvailable), true},
                          {group ? format_score(group->pre.mean, subscale) : std::string(kNotAvailable), true},
                          {group ? format_score(group->post.mean, subscale) : std::string(kNotAvailable), true},
                          {format_score(mean.estimate, subscale), true},
                          {format_score(mean.se, subscale), true},
                          {format_score(mean.lower, subscale) + " to " + format_score(mean.upper, subscale), true}});
  }
  return table;
}

std::string term_words(const std::string& term, const std::string& reference) {
  if (term == "(Intercept)") return "Intercept";
  if (term == "pre") return "Score before (slope)";
  if (term.starts_with("group")) return term.substr(5) + " vs " + reference;
  return term;
}

TableView coefficients_table(const AncovaReport& ancova, const std::string& reference, const Subscale& subscale,
                             double ci_level) {
  TableView table{.caption = "Analysis of covariance of " + subscale_name(subscale) + " after (" +
                             count_of(ancova.n, "participant", "participants") + ", R squared " +
                             format_statistic(ancova.r_squared) + ")"};
  table.columns = {{"Term"}, {"Estimate", true}, {"SE", true}, {"t", true}, {"p", true}, {ci_words(ci_level), true}};
  for (const AncovaTerm& term : ancova.coefficients) {
    table.rows.push_back({{term_words(term.term, reference)},
                          {format_statistic(term.estimate), true},
                          {format_statistic(term.se), true},
                          {format_statistic(term.t), true},
                          {format_p(term.p), true},
                          {format_statistic(term.lower) + " to " + format_statistic(term.upper), true}});
  }
  table.rows.push_back({{"Group (F test, df " + format_df(ancova.group_test.num_df) + " and " +
                         format_df(ancova.group_test.den_df) + ")"},
                        {"", true},
                        {"", true},
                        {"F = " + format_statistic(ancova.group_test.f), true},
                        {format_p(ancova.group_test.p), true},
                        {"", true}});
  return table;
}

}  // namespace

Section controlled_section(const ReportContext& context, const ControlledReport& report) {
  Section section{.id = "controlled", .title = "Groups compared before and after", .template_name = "controlled"};
  for (const std::string& warning : report.warnings) section.block.details.push_back(warning);
  std::string groups;
  for (std::size_t g = 0; g < report.groups.size(); ++g) {
    groups += (g == 0 ? "" : (g + 1 == report.groups.size() ? " and " : ", ")) + report.groups[g];
  }
  section.block.statements.push_back("Groups: " + groups + ". Every other group is compared with " +
                                     group_words(report.reference) + ".");
  for (const SubscaleControlled& result : report.subscales) {
    const auto index = context.instrument.subscale_index(result.id);
    if (!index) continue;
    const Subscale& subscale = context.instrument.subscales[*index];
    SubscaleBlock out{.anchor = element_id("controlled", subscale.id), .name = subscale_title(subscale)};
    Block& block = out.block;
    for (const ControlledGroupSummary& group : result.groups) {
      block.statements.push_back(group_summary_sentence(group, subscale));
    }
    if (result.ancova) {
      const AncovaReport& ancova = *result.ancova;
      for (const AncovaTerm& term : ancova.coefficients) {
        if (!term.term.starts_with("group")) continue;
        block.statements.push_back(
            effect_sentence(term, term.term.substr(5), report.reference, subscale, report.ci_level));
      }
      if (const std::string test = group_test_sentence(ancova, report.groups.size()); !test.empty()) {
        block.statements.push_back(test);
      }
      block.statements.push_back(adjusted_means_sentence(ancova, subscale, report.ci_level));
    }
    if (result.change_welch && result.groups.size() == 2) {
      block.statements.push_back(welch_sentence(*result.change_welch, result.groups[0].name, result.groups[1].name,
                                                subscale, report.ci_level));
    }
    for (const ControlledGroupSummary& group : result.groups) {
      if (group.rci) {
        std::string sentence = rci_sentence(*group.rci, subscale, group.rci->participants.size());
        sentence.front() = 'r';  // "Reliable change (...)" within the sentence
        block.statements.push_back("In " + group_words(group.name) + ", " + sentence);
      }
    }
    block.plain_notes = design_notes(result);
    block.details = result.warnings;
    if (result.ancova) {
      FigureView means = adjusted_means_figure(*result.ancova, result, subscale, report.ci_level);
      if (!means.svg.empty()) block.figures.push_back(std::move(means));
      block.tables.push_back(adjusted_means_table(*result.ancova, result, subscale, report.ci_level));
      block.tables.push_back(coefficients_table(*result.ancova, report.reference, subscale, report.ci_level));
    }
    for (const ControlledGroupSummary& group : result.groups) {
      if (!group.rci) continue;
      block.figure_row.push_back(jacobson_truax_figure(context, subscale, *group.rci, "controlled", group.name));
      if (group.rci->participants.size() <= kMaxTableRows) {
        block.tables.push_back(participants_table(context, *group.rci, subscale, "controlled", group.name));
      } else {
        block.plain_notes.push_back("The table of " + std::to_string(group.rci->participants.size()) +
                                    " participants of " + group_words(group.name) +
                                    " is left out of this page; the JSON result of the same request has it.");
      }
    }
    section.subscales.push_back(std::move(out));
  }
  return section;
}

}  // namespace psyscore::detail
