// The reliability section: alpha with its intervals beside the published
// alpha, and the item analysis (item-rest correlations, alpha if dropped).
#include <algorithm>
#include <cmath>
#include <string>

#include "scoring/encode/report_format.hpp"
#include "scoring/encode/report_sections.hpp"
#include "scoring/encode/svg_plot.hpp"

namespace psyscore::detail {
namespace {

template <typename Bounds>
std::string interval_text(const Bounds& interval) {
  const auto lower = value_of(interval.lower);
  const auto upper = value_of(interval.upper);
  if (!lower || !upper) return std::string(kNotAvailable);
  return format_statistic(lower) + " to " + format_statistic(upper);
}

// The usual rule of thumb (e.g. Nunnally): words for an alpha.
std::string alpha_words(std::optional<double> value) {
  if (!value) return "not defined";
  const double alpha = *value;
  if (alpha >= 0.9) return "high";
  if (alpha >= 0.8) return "good";
  if (alpha >= 0.7) return "acceptable";
  if (alpha >= 0.6) return "questionable";
  return "low";
}

constexpr double kItemRestThreshold = 0.3;

template <typename Value>
double nan_if_undefined(Value value) {
  return value_of(value).value_or(std::nan(""));
}

std::string row_label(const Subscale& subscale, const std::string& wave) {
  return wave.empty() ? subscale.id : subscale.id + ", " + wave;
}

void add_overview_figure(const ReportContext& context, const std::vector<WaveReliability>& waves, Block& block,
                         double ci_level) {
  struct Row {
    std::string label;
    const Subscale* subscale;
    const SubscaleReliability* result;
  };
  std::vector<Row> rows;
  double lowest = 0.5;
  // Grouped by subscale, the waves of one subscale next to each other.
  for (const Subscale& subscale : context.instrument.subscales) {
    for (const WaveReliability& wave : waves) {
      if (!wave.report) continue;
      const auto found = std::find_if(wave.report->subscales.begin(), wave.report->subscales.end(),
                                      [&](const SubscaleReliability& r) { return r.id == subscale.id; });
      if (found == wave.report->subscales.end()) continue;
      const SubscaleReliability& result = *found;
      rows.push_back({row_label(subscale, wave.label), &subscale, &result});
      for (const auto v : {value_of(result.raw_alpha), value_of(result.feldt.lower), value_of(result.duhachek.lower)}) {
        if (v) lowest = std::min(lowest, *v);
      }
      if (result.bootstrap && value_of(result.bootstrap->lower)) {
        lowest = std::min(lowest, *value_of(result.bootstrap->lower));
      }
      if (subscale.published_reliability) lowest = std::min(lowest, subscale.published_reliability->alpha);
    }
  }
  if (rows.empty()) return;
  const double row_height = 34;
  svg::Figure figure({.id = "reliability-alpha",
                      .title = "Cronbach's alpha per subscale with its intervals",
                      .description = "One row per subscale: a dot at the sample's alpha, a solid line for Feldt's "
                                     "interval, a dashed line for Duhachek's, a dotted line for the bootstrap "
                                     "interval when computed, and a hollow diamond at the published alpha.",
                      .height = 72 + row_height * static_cast<double>(rows.size()),
                      .margin_left = 110});
  figure.set_x(svg::Scale::nice_linear(lowest, 1.0, figure.plot_left(), figure.plot_right()));
  figure.set_y(svg::Scale::linear(0, static_cast<double>(rows.size()), figure.plot_top(), figure.plot_bottom()));
  const svg::BandScale bands(rows.size(), figure.plot_top(), figure.plot_bottom(), 0.2);
  std::vector<std::string> labels;
  bool any_bootstrap = false;
  bool any_published = false;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const SubscaleReliability& r = *rows[i].result;
    const double y = bands.center(i);
    labels.push_back(rows[i].label);
    figure.error_bar_x(y - 5, nan_if_undefined(r.feldt.lower), nan_if_undefined(r.feldt.upper),
                       {.colour = svg::kInk, .width = 2, .css_class = "feldt"}, 4, "Feldt " + interval_text(r.feldt));
    figure.error_bar_x(y + 5, nan_if_undefined(r.duhachek.lower), nan_if_undefined(r.duhachek.upper),
                       {.colour = svg::kOkabeIto[5], .width = 2, .dashed = true, .css_class = "duhachek"}, 4,
                       "Duhachek " + interval_text(r.duhachek));
    if (r.bootstrap) {
      any_bootstrap = true;
      figure.error_bar_x(y + 11, nan_if_undefined(r.bootstrap->lower), nan_if_undefined(r.bootstrap->upper),
                         {.colour = svg::kOkabeIto[6], .width = 2, .dashed = true, .css_class = "bootstrap"}, 4,
                         "bootstrap " + interval_text(*r.bootstrap));
    }
    figure.point(value_of(r.raw_alpha).value_or(std::nan("")), static_cast<double>(i) + 0.5,
                 {.colour = svg::kInk, .shape = svg::Shape::circle, .size = 9, .css_class = "alpha"},
                 rows[i].label + ": alpha " + format_statistic(value_of(r.raw_alpha)));
    if (rows[i].subscale->published_reliability) {
      any_published = true;
      figure.point(rows[i].subscale->published_reliability->alpha, static_cast<double>(i) + 0.5,
                   {.colour = svg::kOkabeIto[6],
                    .shape = svg::Shape::diamond,
                    .size = 11,
                    .hollow = true,
                    .css_class = "published"},
                   "published alpha " + format_statistic(rows[i].subscale->published_reliability->alpha));
    }
  }
  figure.x_axis("Cronbach's alpha");
  figure.y_axis_bands(bands, labels);
  std::vector<svg::LegendEntry> legend = {{.label = "sample alpha", .colour = std::string(svg::kInk)},
                                          {.label = "Feldt " + format_percent(ci_level) + " interval",
                                           .colour = std::string(svg::kInk),
                                           .kind = svg::LegendEntry::Kind::line},
                                          {.label = "Duhachek interval",
                                           .colour = std::string(svg::kOkabeIto[5]),
                                           .kind = svg::LegendEntry::Kind::line,
                                           .dashed = true}};
  if (any_bootstrap) {
    legend.push_back({.label = "bootstrap interval",
                      .colour = std::string(svg::kOkabeIto[6]),
                      .kind = svg::LegendEntry::Kind::line,
                      .dashed = true});
  }
  if (any_published) {
    legend.push_back({.label = "published alpha",
                      .colour = std::string(svg::kOkabeIto[6]),
                      .shape = svg::Shape::diamond,
                      .hollow = true});
  }
  figure.legend(legend);
  block.figures.push_back({.id = "figure-reliability-alpha",
                           .svg = figure.render(),
                           .caption = "Cronbach's alpha of each subscale in this sample, with its " +
                                      format_percent(ci_level) +
                                      " intervals, beside the alpha the instrument's publishers report."});

  TableView table{.caption = "Reliability per subscale"};
  table.columns = {{"Subscale"},       {"n", true},         {"Items", true}, {"Alpha", true},          {"Feldt", true},
                   {"Duhachek", true}, {"Bootstrap", true}, {"Omega", true}, {"Published alpha", true}};
  for (const Row& row : rows) {
    const SubscaleReliability& r = *row.result;
    table.rows.push_back(
        {{row.label},
         {std::to_string(r.n), true},
         {std::to_string(r.k), true},
         {format_statistic(value_of(r.raw_alpha)), true},
         {interval_text(r.feldt), true},
         {interval_text(r.duhachek), true},
         {r.bootstrap ? interval_text(*r.bootstrap) : std::string("not asked"), true},
         {format_statistic(value_of(r.omega_total)), true},
         {row.subscale->published_reliability ? format_statistic(row.subscale->published_reliability->alpha)
                                              : std::string("none"),
          true}});
  }
  block.tables.push_back(std::move(table));
}

void add_subscale(const ReportContext& context, const std::string& wave, const SubscaleReliability& r, double ci_level,
                  Block& block) {
  const auto index = context.instrument.subscale_index(r.id);
  const Subscale& subscale = context.instrument.subscales[*index];
  const std::string prefix = wave.empty() ? std::string() : wave + ": ";
  std::string sentence =
      prefix + "Cronbach's alpha is " + format_statistic(value_of(r.raw_alpha)) + " (" + format_percent(ci_level) +
      " interval " + interval_text(r.feldt) + " by Feldt's method) from " + count_of(r.n, "respondent", "respondents") +
      " and " + std::to_string(r.k) + " items: " + alpha_words(value_of(r.raw_alpha)) + " by the usual rule of thumb.";
  if (subscale.published_reliability) {
    const double published = subscale.published_reliability->alpha;
    sentence += " The instrument's publishers report " + format_statistic(published);
    const auto lower = value_of(r.feldt.lower);
    const auto upper = value_of(r.feldt.upper);
    if (lower && upper) {
      sentence +=
          published >= *lower && published <= *upper
              ? "; this sample's interval includes that value."
              : (published > *upper ? "; this sample answers the items less consistently than the published sample."
                                    : "; this sample answers the items more consistently than the published sample.");
    } else {
      sentence += ".";
    }
  }
  block.statements.push_back(sentence);
  if (const auto sem = value_of(r.sem)) {
    block.statements.push_back(prefix + "The standard error of measurement is " + format_score(sem, subscale) +
                               " points on the sum scale: a person's score would typically vary by about " +
                               format_score(1.96 * *sem, subscale) +
                               " points either way (1.96 SEM) from measurement error alone.");
  }
  if (const auto omega = value_of(r.omega_total)) {
    block.statements.push_back(prefix + "McDonald's omega (total, one factor) is " + format_statistic(omega) +
                               ", a reliability estimate that does not assume every item measures equally well.");
  }
  std::vector<std::string> weak;
  for (const ItemReliability& item : r.items) {
    const auto r_drop = value_of(item.r_drop);
    if (r_drop && *r_drop < kItemRestThreshold) weak.push_back(item.id);
  }
  if (weak.empty()) {
    block.statements.push_back(prefix + "Every item correlates at least " + format_statistic(kItemRestThreshold) +
                               " with the sum of the other items (item-rest correlation).");
  } else {
    std::string list;
    for (std::size_t i = 0; i < weak.size(); ++i) list += (i == 0 ? "" : ", ") + weak[i];
    block.statements.push_back(prefix + (weak.size() == 1 ? "Item " : "Items ") + list +
                               (weak.size() == 1 ? " correlates" : " correlate") + " less than " +
                               format_statistic(kItemRestThreshold) +
                               " with the sum of the other items: look at the wording and the answers there first.");
  }
  const std::string note = small_sample_note(r.n, "respondent");
  if (!note.empty()) block.plain_notes.push_back(prefix + note);
  if (!r.dropped_items.empty()) {
    std::string list;
    for (std::size_t i = 0; i < r.dropped_items.size(); ++i) list += (i == 0 ? "" : ", ") + r.dropped_items[i];
    block.plain_notes.push_back(prefix + "Left out (no answers or everyone answered the same): item " + list + ".");
  }
  for (const std::string& warning : r.warnings) block.details.push_back(prefix + warning);

  // Item-rest correlations.
  const double row_height = 22;
  svg::Figure figure(
      {.id = element_id("reliability-items" + (wave.empty() ? std::string() : "-" + wave), r.id),
       .title = "Item-rest correlations of " + subscale_name(subscale) + (wave.empty() ? "" : ", " + wave),
       .description = "One bar per item: its correlation with the sum of the subscale's other items. "
                      "The dashed line marks 0.3, below which an item is usually looked at again.",
       .height = 72 + row_height * static_cast<double>(r.items.size()),
       .margin_left = 90});
  double lowest = 0;
  for (const ItemReliability& item : r.items) {
    if (const auto r_drop = value_of(item.r_drop)) lowest = std::min(lowest, *r_drop);
  }
  figure.set_x(svg::Scale::nice_linear(lowest, 1.0, figure.plot_left(), figure.plot_right()));
  figure.set_y(svg::Scale::linear(0, static_cast<double>(r.items.size()), figure.plot_top(), figure.plot_bottom()));
  const svg::BandScale rows(r.items.size(), figure.plot_top(), figure.plot_bottom(), 0.25);
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < r.items.size(); ++i) {
    const ItemReliability& item = r.items[i];
    const auto item_index = context.instrument.item_index(item.id);
    const std::string& label = item_index ? context.instrument.items[*item_index].label : item.id;
    labels.push_back(label.empty() ? "item " + item.id : item.id + " " + label);
    const auto r_drop = value_of(item.r_drop);
    if (!r_drop) continue;
    const bool low = *r_drop < kItemRestThreshold;
    figure.rect(0, *r_drop, static_cast<double>(i) + 0.125, static_cast<double>(i) + 0.875,
                {.colour = low ? svg::kOkabeIto[6] : svg::kOkabeIto[5],
                 .pattern = low ? svg::Pattern::hatch : svg::Pattern::solid,
                 .css_class = "item-rest"},
                "item " + item.id + ": " + format_statistic(r_drop));
  }
  figure.line(kItemRestThreshold, 0, kItemRestThreshold, static_cast<double>(r.items.size()),
              {.colour = svg::kMuted, .width = 1.2, .dashed = true, .css_class = "threshold"});
  figure.x_axis("Item-rest correlation (r.drop)");
  figure.y_axis_bands(rows, labels);
  figure.legend(
      {{.label = "at least 0.30", .colour = std::string(svg::kOkabeIto[5]), .kind = svg::LegendEntry::Kind::area},
       {.label = "below 0.30",
        .colour = std::string(svg::kOkabeIto[6]),
        .kind = svg::LegendEntry::Kind::area,
        .pattern = svg::Pattern::hatch}});
  block.figures.push_back(
      {.id = element_id("figure-reliability-items" + (wave.empty() ? std::string() : "-" + wave), r.id),
       .svg = figure.render(),
       .caption = "Item-rest correlations (psych's r.drop) of the " + subscale_name(subscale) + " items, keyed."});

  TableView items{.caption = "Item analysis of " + subscale_name(subscale) + (wave.empty() ? "" : ", " + wave)};
  items.columns = {{"Item"},
                   {"n", true},
                   {"Mean", true},
                   {"SD", true},
                   {"Item-rest r", true},
                   {"Item-total r", true},
                   {"Alpha if dropped", true},
                   {"Missing", true}};
  for (const ItemReliability& item : r.items) {
    items.rows.push_back({{item.id},
                          {std::to_string(item.n), true},
                          {format_number(value_of(item.mean), 2), true},
                          {format_number(value_of(item.sd), 2), true},
                          {format_statistic(value_of(item.r_drop)), true},
                          {format_statistic(value_of(item.raw_r)), true},
                          {format_statistic(value_of(item.alpha_if_dropped.raw_alpha)), true},
                          {format_percent(value_of(item.miss).value_or(std::nan(""))), true}});
  }
  block.tables.push_back(std::move(items));
}

}  // namespace

Section reliability_section(const ReportContext& context, const std::vector<WaveReliability>& waves) {
  Section section{.id = "reliability", .title = "Reliability", .template_name = "reliability"};
  double ci_level = 0.95;
  for (const WaveReliability& wave : waves) {
    if (wave.report) {
      ci_level = wave.report->ci_level;
      for (const std::string& warning : wave.report->warnings) {
        section.block.details.push_back((wave.label.empty() ? "" : wave.label + ": ") + warning);
      }
    } else {
      std::string sentence = "The reliability of " +
                             (wave.label.empty() ? std::string("this wave") : "the " + wave.label + " wave") +
                             " could not be computed:";
      for (const Problem& problem : wave.report.error().problems) sentence += " " + problem.message;
      if (wave.report.error().problems.empty()) sentence += " " + wave.report.error().message;
      section.block.statements.push_back(sentence);
    }
  }
  add_overview_figure(context, waves, section.block, ci_level);
  // One block per subscale, holding every wave's analysis of it.
  for (const Subscale& subscale : context.instrument.subscales) {
    SubscaleBlock block{.anchor = element_id("reliability", subscale.id), .name = subscale_title(subscale)};
    for (const WaveReliability& wave : waves) {
      if (!wave.report) continue;
      for (const SubscaleReliability& r : wave.report->subscales) {
        if (r.id == subscale.id) add_subscale(context, wave.label, r, wave.report->ci_level, block.block);
      }
    }
    if (!block.block.statements.empty()) section.subscales.push_back(std::move(block));
  }
  return section;
}

}  // namespace psyscore::detail
