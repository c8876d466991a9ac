// The change section: per subscale the mean change in plain words, the
// Jacobson-Truax plot with its band of no reliable change, the participants'
// table and the band transitions.
#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "scoring/encode/report_format.hpp"
#include "scoring/encode/report_sections.hpp"
#include "scoring/encode/svg_plot.hpp"

namespace psyscore::detail {
namespace {

// How each category is drawn: colour and shape differ, so the plot reads in
// greyscale and with colour-vision deficiency.
struct CategoryStyle {
  std::string_view name;
  std::string_view colour;
  svg::Shape shape;
  bool hollow;
};
constexpr CategoryStyle kRecovered{"recovered", svg::kOkabeIto[5], svg::Shape::diamond, false};
constexpr CategoryStyle kImproved{"improved", svg::kOkabeIto[3], svg::Shape::circle, false};
constexpr CategoryStyle kUnchanged{"unchanged", "#7F7F7F", svg::Shape::square, true};
constexpr CategoryStyle kDeteriorated{"deteriorated", svg::kOkabeIto[6], svg::Shape::triangle_down, false};
constexpr CategoryStyle kHarmed{"harmed", svg::kOkabeIto[7], svg::Shape::cross, false};

const CategoryStyle& style_of(const RciParticipant& participant) {
  if (participant.clinical_category) {
    switch (*participant.clinical_category) {
      case ClinicalCategory::recovered: return kRecovered;
      case ClinicalCategory::improved: return kImproved;
      case ClinicalCategory::unchanged: return kUnchanged;
      case ClinicalCategory::deteriorated: return kDeteriorated;
      case ClinicalCategory::harmed: return kHarmed;
    }
  }
  switch (participant.category) {
    case ChangeCategory::improved: return kImproved;
    case ChangeCategory::unchanged: return kUnchanged;
    case ChangeCategory::deteriorated: return kDeteriorated;
  }
  return kUnchanged;
}

std::string effect_words(double d) {
  const double size = std::abs(d);
  if (size < 0.2) return "negligible";
  if (size < 0.5) return "small";
  if (size < 0.8) return "medium";
  return "large";
}

std::string signed_number(double value, int decimals) {
  const std::string text = svg::format_fixed(value, decimals);
  return text.front() == '-' || text.find_first_not_of("0.") == std::string::npos ? text : "+" + text;
}

std::string mean_change_sentence(const SubscaleChange& change, const Subscale& subscale, double ci_level) {
  const auto pre = value_of(change.pre.mean);
  const auto post = value_of(change.post.mean);
  const auto difference = value_of(change.difference.mean);
  if (!pre || !post || !difference) {
    return "The mean change of " + subscale_name(subscale) + " is not defined for these data.";
  }
  const int d = score_decimals(subscale);
  const double size = std::abs(*difference);
  std::string sentence = "On average " + subscale_name(subscale) + " ";
  if (svg::format_fixed(size, d).find_first_not_of("0.") == std::string::npos) {
    sentence += "did not change";
  } else {
    sentence += (*difference < 0 ? "fell by " : "rose by ") + svg::format_fixed(size, d) + " points";
  }
  sentence += ", from " + format_score(pre, subscale) + " before to " + format_score(post, subscale) + " after, in " +
              count_of(change.n_pairs, "participant", "participants") + ".";
  if (change.paired_t) {
    sentence += " The " + format_percent(ci_level) + " confidence interval of the change runs from " +
                format_score(change.paired_t->ci_lower, subscale) + " to " +
                format_score(change.paired_t->ci_upper, subscale);
    const bool includes_zero = change.paired_t->ci_lower <= 0 && change.paired_t->ci_upper >= 0;
    sentence += includes_zero ? ": it includes 0, so the data are also consistent with no change on average."
                              : ": it does not include 0.";
  }
  const bool better = subscale.higher_is_better ? *difference > 0 : *difference < 0;
  if (*difference != 0) {
    sentence += std::string(subscale.higher_is_better ? " Higher" : " Lower") +
                " scores are better here, so on average the group " + (better ? "improved." : "got worse.");
  }
  return sentence;
}

std::string tests_sentence(const SubscaleChange& change, std::size_t subscales) {
  std::string sentence;
  if (change.paired_t) {
    sentence = "Paired t test: t(" + format_df(change.paired_t->df) + ") = " + format_statistic(change.paired_t->t) +
               ", " + p_equals(change.paired_t->p);
    if (subscales > 1 && value_of(change.paired_t_p_holm)) {
      sentence += " (Holm-adjusted over the " + std::to_string(subscales) +
                  " subscales: " + p_equals(change.paired_t_p_holm) + ")";
    }
    sentence += ".";
  } else {
    sentence = "No paired t test: fewer than 2 pairs, or every participant changed by the same amount.";
  }
  if (change.wilcoxon) {
    sentence += " Wilcoxon signed-rank test (no assumption of normality): V = " +
                svg::format_fixed(change.wilcoxon->v, change.wilcoxon->v == std::round(change.wilcoxon->v) ? 0 : 1) +
                ", " + p_equals(change.wilcoxon->p) +
                (change.wilcoxon->exact ? " (exact)." : " (normal approximation).");
  }
  return sentence;
}

std::string effect_sentence(const SubscaleChange& change) {
  if (!change.effect_sizes) return {};
  const auto d_av = value_of(change.effect_sizes->d_av);
  const auto d_z = value_of(change.effect_sizes->d_z);
  if (!d_av && !d_z) return {};
  std::string sentence = "Standardised,";
  if (d_av) {
    sentence += " the change is d_av = " + format_statistic(d_av) +
                " standard deviations of the scores (Hedges' g_av = " + format_statistic(change.effect_sizes->g_av) +
                "): " + effect_words(*d_av) + " by Cohen's conventions (0.2 small, 0.5 medium, 0.8 large).";
  }
  if (d_z)
    sentence += " Relative to how much the changes vary between participants, d_z = " + format_statistic(d_z) + ".";
  return sentence;
}

std::string source_words(const ReliableChange& rci) {
  switch (rci.reliability_source) {
    case ReliabilitySource::sample:
      return "the alpha of the " + count_of(rci.reliability_n, "participant's", "participants'") + " answers before";
    case ReliabilitySource::published: return "the instrument's published alpha";
    case ReliabilitySource::caller: return "the value given with the request";
  }
  return {};
}

std::string_view method_name(RciMethod method) {
  switch (method) {
    case RciMethod::jt: return "Jacobson & Truax";
    case RciMethod::gln: return "Gulliksen, Lord & Novick";
    case RciMethod::hll: return "Hsu, Lin & Lord";
    case RciMethod::en: return "Edwards & Nunnally";
    case RciMethod::nk: return "Nunnally & Kotsch";
    case RciMethod::ha: return "Hageman & Arrindell";
  }
  return {};
}

}  // namespace

std::string rci_sentence(const ReliableChange& rci, const Subscale& subscale, std::size_t n) {
  std::string sentence = "Reliable change (" + std::string(method_name(rci.method)) +
                         "): " + std::to_string(rci.improved) + " of " + std::to_string(n) + " improved reliably, " +
                         std::to_string(rci.unchanged) + " did not change reliably and " +
                         std::to_string(rci.deteriorated) + " deteriorated reliably. ";
  if (rci.method == RciMethod::jt) {
    const double reach = rci.criterion * rci.s_diff;
    return sentence + "A change counts as reliable when it exceeds " + format_score(reach, subscale) +
           " points either way (" + format_statistic(rci.criterion) +
           " times s_diff = " + format_statistic(rci.s_diff) + ", from a reliability of " +
           format_statistic(rci.reliability) + ", " + source_words(rci) + ", and a pre SD of " +
           format_statistic(rci.sd_pre) + ").";
  }
  return sentence + "A change counts as reliable when the method's index exceeds " + format_statistic(rci.criterion) +
         " (its standard error is " + format_statistic(rci.standard_error) + ", from a reliability of " +
         format_statistic(rci.reliability) + ", " + source_words(rci) +
         "). This method allows for regression to the mean, so the points needed depend on where a participant "
         "started.";
}

namespace {

std::string clinical_sentence(const ClinicalSignificance& cs, const Subscale& subscale) {
  std::string criterion = std::string(to_string(cs.criterion));
  std::string sentence = "Clinically significant change (criterion " + criterion + ", cut-off " +
                         format_score(cs.cutoff, subscale) + "): " + std::to_string(cs.recovered) +
                         " recovered (changed reliably for the better and ended on the healthy side of the cut-off), " +
                         std::to_string(cs.improved) + " improved without crossing it, " +
                         std::to_string(cs.unchanged) + " unchanged and " + std::to_string(cs.deteriorated) +
                         " deteriorated.";
  if (cs.harmed > 0) {
    sentence += " Of those who deteriorated, " + std::to_string(cs.harmed) +
                " were harmed: they started on the healthy side of the cut-off, changed reliably for the worse "
                "and ended on the clinical side.";
  }
  if (cs.criterion == CutoffCriterion::a) {
    sentence += " Criterion a uses only this group: the cut-off lies " + format_statistic(cs.sd_multiplier) +
                " SDs from its mean before, in the better direction.";
  }
  return sentence;
}

std::string transitions_sentence(const BandTransitions& bands, const Subscale& subscale) {
  std::size_t better = 0;
  std::size_t worse = 0;
  std::size_t same = 0;
  for (std::size_t from = 0; from < bands.transitions.size(); ++from) {
    for (std::size_t to = 0; to < bands.transitions[from].size(); ++to) {
      const std::size_t count = bands.transitions[from][to];
      if (from == to) {
        same += count;
      } else if ((to > from) == subscale.higher_is_better) {
        better += count;
      } else {
        worse += count;
      }
    }
  }
  std::string sentence = "Between the bands: " + std::to_string(better) + " moved to a better band, " +
                         std::to_string(worse) + " to a worse one and " + std::to_string(same) + " stayed.";
  if (value_of(bands.test.statistic)) {
    const bool mcnemar = bands.labels.size() == 2;
    sentence += std::string(mcnemar ? " McNemar's" : " Bowker's") + " test of whether moves one way outnumber moves " +
                "the other: chi-squared = " + format_statistic(bands.test.statistic) +
                ", df = " + std::to_string(bands.test.df) + ", " + p_equals(bands.test.p) + ".";
  } else {
    sentence += " Nobody moved between bands, so there is nothing for a test of symmetry to weigh.";
  }
  if (bands.left_out > 0) {
    sentence +=
        " " + count_of(bands.left_out, "pair has", "pairs have") + " a score outside every band and is left out.";
  }
  return sentence;
}

std::string with_group(std::string_view text, std::string_view group) {
  return group.empty() ? std::string(text) : std::string(text) + ", " + std::string(group);
}

// "<prefix>-<subscale>", and "-<group>" after it when there is a group.
std::string figure_id(std::string_view prefix, const Subscale& subscale, std::string_view group) {
  const std::string id = element_id(prefix, subscale.id);
  return group.empty() ? id : element_id(id, group);
}

}  // namespace

FigureView jacobson_truax_figure(const ReportContext& context, const Subscale& subscale, const ReliableChange& rci,
                                 std::string_view id_prefix, std::string_view group) {
  const auto range = score_range(context.instrument, subscale);
  // Only Jacobson-Truax has a band of constant width; the other methods
  // correct for regression to the mean, and their categories colour the marks.
  const bool band = rci.method == RciMethod::jt;
  std::string description =
      "Each participant's score before (across) against after (up). On the diagonal line nothing changed";
  if (band) {
    description += std::string("; the shaded band around it is the change too small to count as reliable. ") +
                   (subscale.higher_is_better ? "Above" : "Below") +
                   " the band is reliable improvement on this subscale.";
  } else {
    description += "; each mark's colour and shape is its reliable-change category (" +
                   std::string(method_name(rci.method)) + ").";
  }
  const std::string id = figure_id(std::string(id_prefix) + "-jt", subscale, group);
  svg::Figure figure({.id = id,
                      .title = with_group("Jacobson-Truax plot of " + subscale_name(subscale), group),
                      .description = description,
                      .width = 520,
                      .height = group.empty() ? 508.0 : 524.0,
                      .margin_top = group.empty() ? 20.0 : 36.0});
  // Side by side, each plot names its group above it.
  if (!group.empty())
    figure.text(figure.plot_left(), 20, group, "start", figure.plot_right() - figure.plot_left(), "group");
  figure.set_x(svg::Scale::linear(range.first, range.second, figure.plot_left(), figure.plot_right()));
  figure.set_y(svg::Scale::linear(range.first, range.second, figure.plot_bottom(), figure.plot_top()));
  const double reach = rci.criterion * rci.s_diff;
  const double lo = range.first;
  const double hi = range.second;
  if (band) {
    figure.polygon({{lo, lo - reach}, {hi, hi - reach}, {hi, hi + reach}, {lo, lo + reach}},
                   {.colour = "#BBBBBB", .pattern = svg::Pattern::solid, .opacity = 0.45, .css_class = "rci-band"},
                   "no reliable change: within " + format_score(reach, subscale) + " points");
  }
  figure.line(lo, lo, hi, hi, {.colour = svg::kInk, .width = 1.2, .css_class = "identity"});
  if (rci.clinical_significance) {
    const double cutoff = rci.clinical_significance->cutoff;
    figure.line(cutoff, lo, cutoff, hi,
                {.colour = svg::kOkabeIto[5], .width = 1.2, .dashed = true, .css_class = "cutoff"});
    figure.line(lo, cutoff, hi, cutoff,
                {.colour = svg::kOkabeIto[5], .width = 1.2, .dashed = true, .css_class = "cutoff"});
  }
  const bool dense = rci.participants.size() > svg::kMaxScatterPoints;
  std::array<std::size_t, 5> counts{};
  const std::array<const CategoryStyle*, 5> styles = {&kRecovered, &kImproved, &kUnchanged, &kDeteriorated, &kHarmed};
  for (const RciParticipant& p : rci.participants) {
    const CategoryStyle& style = style_of(p);
    for (std::size_t k = 0; k < styles.size(); ++k) {
      if (styles[k] == &style) ++counts[k];
    }
  }
  svg::DensitySummary density;
  if (dense) {
    std::vector<double> xs;
    std::vector<double> ys;
    xs.reserve(rci.participants.size());
    ys.reserve(rci.participants.size());
    for (const RciParticipant& p : rci.participants) {
      xs.push_back(p.pre);
      ys.push_back(p.post);
    }
    density = figure.density(xs, ys, 48, 48);
  } else {
    for (std::size_t i = 0; i < rci.participants.size(); ++i) {
      const RciParticipant& p = rci.participants[i];
      const CategoryStyle& style = style_of(p);
      figure.point(
          p.pre, p.post,
          {.colour = style.colour, .shape = style.shape, .size = 8, .hollow = style.hollow, .css_class = style.name},
          participant_label(context, p.id, i) + ": before " + format_score(p.pre, subscale) + ", after " +
              format_score(p.post, subscale) + ", change " + format_score(p.difference, subscale) + ", RCI " +
              format_statistic(p.rci) + ", " + std::string(style.name));
    }
  }
  figure.x_axis("Before: " + subscale_name(subscale));
  figure.y_axis("After: " + subscale_name(subscale));
  std::vector<svg::LegendEntry> legend;
  if (dense) {
    legend = svg::Figure::density_key(density);
    for (auto& entry : legend) entry.label += " participants";
  } else {
    for (std::size_t k = 0; k < styles.size(); ++k) {
      if ((styles[k] == &kRecovered || styles[k] == &kHarmed) && !rci.clinical_significance) continue;
      legend.push_back({.label = std::string(styles[k]->name) + " (" + std::to_string(counts[k]) + ")",
                        .colour = std::string(styles[k]->colour),
                        .shape = styles[k]->shape,
                        .hollow = styles[k]->hollow});
    }
  }
  if (band) {
    legend.push_back({.label = "no reliable change (within " + format_score(reach, subscale) + ")",
                      .colour = "#BBBBBB",
                      .kind = svg::LegendEntry::Kind::area});
  }
  legend.push_back({.label = "no change", .colour = std::string(svg::kInk), .kind = svg::LegendEntry::Kind::line});
  if (rci.clinical_significance) {
    legend.push_back({.label = "cut-off " + format_score(rci.clinical_significance->cutoff, subscale),
                      .colour = std::string(svg::kOkabeIto[5]),
                      .kind = svg::LegendEntry::Kind::line,
                      .dashed = true});
  }
  figure.legend(legend);
  std::string caption = with_group("Jacobson-Truax plot of " + subscale_name(subscale), group) + ": " +
                        count_of(rci.participants.size(), "participant", "participants") + ", " +
                        std::to_string(rci.improved) + " improved, " + std::to_string(rci.unchanged) + " unchanged, " +
                        std::to_string(rci.deteriorated) + " deteriorated reliably.";
  if (!dense) {
    std::vector<std::pair<double, double>> points;
    points.reserve(rci.participants.size());
    for (const RciParticipant& p : rci.participants) points.emplace_back(p.pre, p.post);
    std::sort(points.begin(), points.end());
    std::size_t hidden = 0;
    for (std::size_t i = 1; i < points.size(); ++i) {
      if (points[i] == points[i - 1]) ++hidden;
    }
    if (hidden > 0) {
      caption += " " + count_of(hidden, "mark lies", "marks lie") +
                 " exactly on another (the same scores before and after); the table below lists everyone.";
    }
  }
  if (dense) {
    caption += " With more than " + std::to_string(svg::kMaxScatterPoints) +
               " participants the marks would hide each other, so the plot shows how many fall in each small square "
               "(darker = more) instead of one mark each.";
  }
  return {.id = "figure-" + id, .svg = figure.render(), .caption = caption};
}

TableView participants_table(const ReportContext& context, const ReliableChange& rci, const Subscale& subscale,
                             std::string_view id_prefix, std::string_view group) {
  TableView table{.id = figure_id("table-" + std::string(id_prefix) + "-participants", subscale, group),
                  .caption = "Change per participant (" + with_group(subscale_name(subscale), group) + ")"};
  table.columns = {{context.show_ids ? "Id" : "Participant"},
                   {"Before", true},
                   {"After", true},
                   {"Change", true},
                   {"RCI", true},
                   {"Reliable change"}};
  if (rci.clinical_significance) table.columns.push_back({"Clinical significance"});
  for (std::size_t i = 0; i < rci.participants.size(); ++i) {
    const RciParticipant& p = rci.participants[i];
    std::vector<TableCell> row = {{context.show_ids ? p.id : std::to_string(i + 1)},
                                  {format_score(p.pre, subscale), true},
                                  {format_score(p.post, subscale), true},
                                  {signed_number(p.difference, score_decimals(subscale)), true},
                                  {format_statistic(p.rci), true},
                                  {std::string(to_string(p.category))}};
    if (rci.clinical_significance) {
      row.push_back({p.clinical_category ? std::string(to_string(*p.clinical_category)) : std::string(kNotAvailable)});
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

namespace {

TableView transitions_table(const BandTransitions& bands, const Subscale& subscale) {
  TableView table{.caption = "Band before (rows) and after (columns), " + subscale_name(subscale)};
  table.columns.push_back({"Before \\ after"});
  for (const std::string& label : bands.labels) table.columns.push_back({label, true});
  for (std::size_t from = 0; from < bands.transitions.size(); ++from) {
    std::vector<TableCell> row{{bands.labels[from]}};
    for (const std::size_t count : bands.transitions[from]) row.push_back({std::to_string(count), true});
    table.rows.push_back(std::move(row));
  }
  return table;
}

TableView summary_table(const SubscaleChange& change, const Subscale& subscale, double ci_level) {
  TableView table{.caption = "Change in " + subscale_name(subscale) + " (after minus before)"};
  table.columns = {{"Statistic"}, {"Value", true}};
  const auto add = [&](std::string name, std::string value) {
    table.rows.push_back({{std::move(name)}, {std::move(value), true}});
  };
  add("Pairs", std::to_string(change.n_pairs));
  add("Mean before (SD)", format_score(change.pre.mean, subscale) + " (" + format_score(change.pre.sd, subscale) + ")");
  add("Mean after (SD)",
      format_score(change.post.mean, subscale) + " (" + format_score(change.post.sd, subscale) + ")");
  add("Mean change (SD)",
      format_score(change.difference.mean, subscale) + " (" + format_score(change.difference.sd, subscale) + ")");
  if (change.paired_t) {
    add(format_percent(ci_level) + " CI of the mean change",
        format_score(change.paired_t->ci_lower, subscale) + " to " + format_score(change.paired_t->ci_upper, subscale));
    add("Paired t (df)", format_statistic(change.paired_t->t) + " (" + format_df(change.paired_t->df) + ")");
    add("p (paired t)", format_p(change.paired_t->p));
    add("p (paired t, Holm)", format_p(change.paired_t_p_holm));
  }
  if (change.wilcoxon) {
    add("Wilcoxon V",
        svg::format_fixed(change.wilcoxon->v, change.wilcoxon->v == std::round(change.wilcoxon->v) ? 0 : 1));
    add("p (Wilcoxon)", format_p(change.wilcoxon->p));
    add("p (Wilcoxon, Holm)", format_p(change.wilcoxon_p_holm));
  }
  if (change.effect_sizes) {
    add("d_z", format_statistic(change.effect_sizes->d_z));
    add("d_av", format_statistic(change.effect_sizes->d_av));
    add("g_av", format_statistic(change.effect_sizes->g_av));
    add("r (before, after)", format_statistic(change.effect_sizes->r_pre_post));
  }
  if (change.rci) {
    add("RCI reliability", format_statistic(change.rci->reliability) + " (" +
                               std::string(to_string(change.rci->reliability_source)) + ")");
    add("s_diff", format_statistic(change.rci->s_diff));
    add("Improved / unchanged / deteriorated", std::to_string(change.rci->improved) + " / " +
                                                   std::to_string(change.rci->unchanged) + " / " +
                                                   std::to_string(change.rci->deteriorated));
  }
  if (change.icc) {
    add("ICC2 (agreement)", format_statistic(change.icc->agreement.icc));
    add("ICC3 (consistency)", format_statistic(change.icc->consistency.icc));
  }
  return table;
}

}  // namespace

Section change_section(const ReportContext& context, const ChangeReport& report) {
  Section section{.id = "change", .title = "Change from before to after", .template_name = "change"};
  for (const std::string& warning : report.warnings) section.block.details.push_back(warning);
  for (const SubscaleChange& change : report.subscales) {
    const auto index = context.instrument.subscale_index(change.id);
    if (!index) continue;
    const Subscale& subscale = context.instrument.subscales[*index];
    SubscaleBlock out{.anchor = element_id("change", subscale.id), .name = subscale_title(subscale)};
    Block& block = out.block;
    block.statements.push_back(mean_change_sentence(change, subscale, report.ci_level));
    block.statements.push_back(tests_sentence(change, report.subscales.size()));
    if (const std::string effect = effect_sentence(change); !effect.empty()) block.statements.push_back(effect);
    if (change.rci) {
      block.statements.push_back(rci_sentence(*change.rci, subscale, change.rci->participants.size()));
      if (change.rci->clinical_significance) {
        block.statements.push_back(clinical_sentence(*change.rci->clinical_significance, subscale));
      }
    }
    if (change.bands) block.statements.push_back(transitions_sentence(*change.bands, subscale));
    if (change.icc && value_of(change.icc->agreement.icc)) {
      block.statements.push_back(
          "Test-retest agreement (ICC2) is " + format_statistic(change.icc->agreement.icc) + " (" +
          format_percent(report.ci_level) + " interval " + format_statistic(change.icc->agreement.lower) + " to " +
          format_statistic(change.icc->agreement.upper) +
          "): how well the order and level of scores held between the waves. A real change lowers it, so read it as "
          "stability, not as the instrument's reliability.");
    }
    if (const std::string note = small_sample_note(change.n_pairs, "participant"); !note.empty()) {
      block.plain_notes.push_back(note);
    }
    if (change.rci && change.rci->reliability_source == ReliabilitySource::sample && change.rci->reliability_n < 30) {
      block.plain_notes.push_back(
          "The reliable change threshold rests on the alpha of this small group itself; the instrument's published "
          "alpha (option rci_reliability = published) gives a steadier threshold when there is one.");
    }
    block.details = change.warnings;
    block.tables.push_back(summary_table(change, subscale, report.ci_level));
    if (change.rci) {
      block.figures.push_back(jacobson_truax_figure(context, subscale, *change.rci, "change"));
      if (change.rci->participants.size() <= kMaxTableRows) {
        block.tables.push_back(participants_table(context, *change.rci, subscale, "change"));
      } else {
        block.plain_notes.push_back(
            "The table of " + std::to_string(change.rci->participants.size()) +
            " participants is left out of this page; `psyscore change --format csv` writes it.");
      }
    }
    if (change.bands) block.tables.push_back(transitions_table(*change.bands, subscale));
    section.subscales.push_back(std::move(out));
  }
  return section;
}

}  // namespace psyscore::detail
