// The comparison section: per subscale box plots with every respondent's
// score, the groups' summaries, Kruskal-Wallis, Welch (two groups) and the
// pairwise Mann-Whitney tests in plain words.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>

#include "scoring/encode/report_format.hpp"
#include "scoring/encode/report_sections.hpp"
#include "scoring/encode/svg_plot.hpp"

namespace psyscore::detail {
namespace {

std::string group_sentence(const GroupSummary& group, const Subscale& subscale) {
  if (group.n == 0) return group.name + ": nobody has a score.";
  return group.name + " (" + count_of(group.n, "respondent", "respondents") + "): median " +
         format_score(group.median, subscale) + " (middle half " + format_score(group.q1, subscale) + " to " +
         format_score(group.q3, subscale) + "), mean " + format_score(group.mean, subscale) + " (SD " +
         format_score(group.sd, subscale) + ").";
}

std::string kruskal_sentence(const KruskalWallisResult& kw) {
  if (!value_of(kw.h)) return "Kruskal-Wallis: not defined (every score is the same).";
  return "Do the groups differ? Kruskal-Wallis test: H = " + format_statistic(kw.h) +
         ", df = " + std::to_string(kw.df) + ", " + p_equals(kw.p) +
         "; epsilon squared = " + format_statistic(kw.epsilon_squared) +
         " (the share of the ranks' variation that lies between the groups).";
}

std::string welch_sentence(const WelchT& welch, const std::string& a, const std::string& b, const Subscale& subscale,
                           double ci_level) {
  return "Welch's t test: the mean of " + a + " minus the mean of " + b + " is " +
         format_score(welch.mean_difference, subscale) + " (" + format_percent(ci_level) + " CI " +
         format_score(welch.ci_lower, subscale) + " to " + format_score(welch.ci_upper, subscale) + "), t(" +
         format_df(welch.df) + ") = " + format_statistic(welch.t) + ", " + p_equals(welch.p) + ".";
}

std::string pairs_sentence(const std::vector<MannWhitneyPair>& pairs) {
  std::size_t below = 0;
  for (const MannWhitneyPair& pair : pairs) {
    if (const auto p = value_of(pair.p_holm); p && *p < 0.05) ++below;
  }
  return "Pairwise Mann-Whitney tests, Holm-adjusted over the " + count_of(pairs.size(), "pair", "pairs") + ": " +
         (below == 0 ? std::string("no pair differs at p < 0.05.")
                     : count_of(below, "pair differs", "pairs differ") + " at p < 0.05 (table below).") +
         " The rank-biserial correlation runs from -1 to 1; it is positive when the first group of the pair tends to "
         "score lower.";
}

// A deterministic horizontal spread for the points beside a box: within
// `half_width` px, so that equal scores do not sit on one another.
double spread(std::size_t index, double half_width) {
  constexpr std::array<double, 7> kOffsets = {0, 0.5, -0.5, 0.25, -0.25, 0.75, -0.75};
  return kOffsets[index % kOffsets.size()] * half_width;
}

FigureView box_figure(const CompareReport& report, const SubscaleComparison& comparison, const Subscale& subscale,
                      std::size_t subscale_index, const std::vector<WaveScores>& groups,
                      const std::pair<double, double>& range, bool draw_points) {
  svg::Figure figure({.id = element_id("compare-box", subscale.id),
                      .title = subscale_name(subscale) + " by group",
                      .description = "One box per group: the box spans the first to the third quartile, the thick line "
                                     "is the median, the whiskers reach the most extreme scores within 1.5 box "
                                     "lengths." +
                                     std::string(draw_points ? " Marks beside each box: the group's scores." : ""),
                      .height = 360});
  figure.set_x(svg::Scale::linear(0, 1, figure.plot_left(), figure.plot_right()));
  figure.set_y(svg::Scale::linear(range.first, range.second, figure.plot_bottom(), figure.plot_top()));
  const svg::BandScale bands(comparison.groups.size(), figure.plot_left(), figure.plot_right(), 0.3);
  std::vector<std::string> labels;
  for (std::size_t g = 0; g < comparison.groups.size(); ++g) {
    const GroupSummary& group = comparison.groups[g];
    labels.push_back(group.name + " (n = " + std::to_string(group.n) + ")");
    std::vector<double> values;
    if (g < groups.size()) {
      for (const auto& v : groups[g].values[subscale_index]) {
        if (v) values.push_back(*v);
      }
    }
    std::sort(values.begin(), values.end());
    const auto q1 = value_of(group.q1);
    const auto q3 = value_of(group.q3);
    const auto median = value_of(group.median);
    if (!q1 || !q3 || !median || values.empty()) continue;
    const double iqr = *q3 - *q1;
    double whisker_lo = *q1;
    double whisker_hi = *q3;
    for (const double v : values) {
      if (v >= *q1 - 1.5 * iqr) {
        whisker_lo = std::min(whisker_lo, v);
        break;
      }
    }
    for (auto it = values.rbegin(); it != values.rend(); ++it) {
      if (*it <= *q3 + 1.5 * iqr) {
        whisker_hi = std::max(whisker_hi, *it);
        break;
      }
    }
    const double center = bands.center(g);
    const double box_width = bands.bandwidth() * (draw_points ? 0.45 : 0.6);
    const double box_center = draw_points ? center - bands.bandwidth() * 0.2 : center;
    figure.box_plot(
        box_center, box_width, *q1, *median, *q3, whisker_lo, whisker_hi,
        {.colour = svg::kOkabeIto[(g % 7) + 1], .pattern = svg::pattern_for(g), .opacity = 0.9, .css_class = "group"},
        group.name + ": median " + format_score(median, subscale) + ", quartiles " + format_score(q1, subscale) +
            " to " + format_score(q3, subscale));
    if (draw_points) {
      const double points_center = center + bands.bandwidth() * 0.28;
      const std::vector<std::optional<double>>& raw = groups[g].values[subscale_index];
      std::size_t k = 0;
      for (const auto& v : raw) {
        if (!v) continue;
        figure.point_px_x(
            points_center + spread(k++, bands.bandwidth() * 0.18), *v,
            {.colour = svg::kOkabeIto[(g % 7) + 1], .shape = svg::shape_for(g), .size = 6, .css_class = "score"},
            group.name + ": " + format_score(v, subscale));
      }
    }
  }
  figure.x_axis_bands(bands, labels, "Group");
  figure.y_axis(subscale_name(subscale) + " score");
  (void)report;
  std::string caption = subscale_name(subscale) + " scores by group.";
  if (!draw_points) {
    caption += " With more than " + std::to_string(svg::kMaxScatterPoints) +
               " scores the individual marks are left out; the boxes summarise them.";
  }
  return {.id = element_id("figure-compare-box", subscale.id), .svg = figure.render(), .caption = caption};
}

}  // namespace

Section compare_section(const ReportContext& context, const CompareReport& report,
                        const std::vector<WaveScores>& groups) {
  Section section{.id = "compare", .title = "Comparison of groups", .template_name = "compare"};
  for (const std::string& warning : report.warnings) section.block.details.push_back(warning);
  std::size_t total = 0;
  for (const std::size_t n : report.group_sizes) total += n;
  std::string sizes;
  for (std::size_t g = 0; g < report.groups.size(); ++g) {
    sizes += (g == 0 ? "" : ", ") + report.groups[g] + " " +
             std::to_string(g < report.group_sizes.size() ? report.group_sizes[g] : 0);
  }
  section.block.statements.push_back(count_of(report.groups.size(), "group", "groups") + " of " +
                                     count_of(total, "respondent", "respondents") + ": " + sizes + ".");
  for (const SubscaleComparison& comparison : report.subscales) {
    const auto index = context.instrument.subscale_index(comparison.id);
    if (!index) continue;
    const Subscale& subscale = context.instrument.subscales[*index];
    SubscaleBlock out{.anchor = element_id("compare", subscale.id), .name = subscale_title(subscale)};
    Block& block = out.block;
    std::size_t smallest = std::numeric_limits<std::size_t>::max();
    std::size_t scores = 0;
    for (const GroupSummary& group : comparison.groups) {
      block.statements.push_back(group_sentence(group, subscale));
      smallest = std::min(smallest, group.n);
      scores += group.n;
    }
    if (comparison.kruskal_wallis) block.statements.push_back(kruskal_sentence(*comparison.kruskal_wallis));
    if (comparison.welch_t && comparison.groups.size() == 2) {
      block.statements.push_back(welch_sentence(*comparison.welch_t, comparison.groups[0].name,
                                                comparison.groups[1].name, subscale, report.ci_level));
    }
    if (!comparison.mann_whitney.empty()) block.statements.push_back(pairs_sentence(comparison.mann_whitney));
    block.statements.push_back(subscale.higher_is_better ? "Higher scores are better on this subscale."
                                                         : "Lower scores are better on this subscale.");
    if (smallest < 30) {
      block.plain_notes.push_back("The smallest group has only " + count_of(smallest, "respondent", "respondents") +
                                  ": differences between groups this small have to be large to show, and a difference "
                                  "that shows may shrink in a larger sample.");
    }
    block.details = comparison.warnings;
    block.figures.push_back(box_figure(report, comparison, subscale, *index, groups,
                                       score_range(context.instrument, subscale), scores <= svg::kMaxScatterPoints));
    TableView summary{.caption = subscale_name(subscale) + " by group"};
    summary.columns = {{"Group"},        {"n", true},  {"Mean", true}, {"SD", true},
                       {"Median", true}, {"Q1", true}, {"Q3", true}};
    for (const GroupSummary& group : comparison.groups) {
      summary.rows.push_back({{group.name},
                              {std::to_string(group.n), true},
                              {format_score(group.mean, subscale), true},
                              {format_score(group.sd, subscale), true},
                              {format_score(group.median, subscale), true},
                              {format_score(group.q1, subscale), true},
                              {format_score(group.q3, subscale), true}});
    }
    block.tables.push_back(std::move(summary));
    if (!comparison.mann_whitney.empty()) {
      TableView pairs{.caption = "Pairwise Mann-Whitney tests (" + subscale_name(subscale) + ")"};
      pairs.columns = {{"Groups"}, {"W", true}, {"p", true}, {"p (Holm)", true}, {"Rank-biserial r", true}};
      for (const MannWhitneyPair& pair : comparison.mann_whitney) {
        pairs.rows.push_back({{pair.a + " vs " + pair.b},
                              {svg::format_fixed(pair.w, pair.w == std::round(pair.w) ? 0 : 1), true},
                              {format_p(pair.p), true},
                              {format_p(pair.p_holm), true},
                              {format_statistic(pair.rank_biserial), true}});
      }
      block.tables.push_back(std::move(pairs));
    }
    section.subscales.push_back(std::move(out));
  }
  return section;
}

}  // namespace psyscore::detail
