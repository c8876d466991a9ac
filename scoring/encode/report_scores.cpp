// The scores section: each subscale's distribution over its bands.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "psyscore/scoring.hpp"
#include "scoring/encode/report_format.hpp"
#include "scoring/encode/report_sections.hpp"
#include "scoring/encode/svg_plot.hpp"

namespace psyscore::detail {
namespace {

// R's quantile(type = 7) of sorted values.
double quantile7(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return std::nan("");
  const double h = (static_cast<double>(sorted.size()) - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

struct Summary {
  std::size_t n = 0;
  std::optional<double> mean = {};
  std::optional<double> sd = {};
  std::optional<double> median = {};
  std::optional<double> min = {};
  std::optional<double> max = {};
};

Summary summarize(const std::vector<double>& values) {
  Summary s{.n = values.size()};
  if (values.empty()) return s;
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  const double mean = std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(sorted.size());
  s.mean = mean;
  if (sorted.size() > 1) {
    double ss = 0;
    for (const double v : sorted) ss += (v - mean) * (v - mean);
    s.sd = std::sqrt(ss / static_cast<double>(sorted.size() - 1));
  }
  s.median = quantile7(sorted, 0.5);
  s.min = sorted.front();
  s.max = sorted.back();
  return s;
}

std::vector<double> present(const std::vector<std::optional<double>>& values) {
  std::vector<double> out;
  out.reserve(values.size());
  for (const auto& v : values) {
    if (v) out.push_back(*v);
  }
  return out;
}

// Histogram breaks over the subscale's whole range, so that waves and
// groups share one set of bins: pretty(range, Sturges' number of classes,
// kept within 10..20).
std::vector<double> histogram_breaks(std::pair<double, double> range, std::size_t n) {
  const double sturges = std::ceil(std::log2(static_cast<double>(std::max<std::size_t>(n, 1))) + 1);
  const int classes = static_cast<int>(std::clamp(sturges, 10.0, 20.0));
  return svg::pretty(range.first, range.second, classes);
}

// Counts of `values` in the right-closed bins (a, b] of `breaks`, the first
// bin closed on both sides, as R's hist() with its 1e-7 fuzz.
std::vector<std::size_t> histogram_counts(const std::vector<double>& values, const std::vector<double>& breaks) {
  std::vector<std::size_t> counts(breaks.size() > 1 ? breaks.size() - 1 : 0, 0);
  if (counts.empty()) return counts;
  const double fuzz = 1e-7 * (breaks[1] - breaks[0]);
  for (const double v : values) {
    std::size_t bin = 0;
    while (bin + 1 < counts.size() && v > breaks[bin + 1] + fuzz) ++bin;
    ++counts[bin];
  }
  return counts;
}

// Where one band ends and the next begins on the axis: halfway between a
// band's max and the next band's min (18 | 19 -> 18.5).
std::vector<std::pair<double, double>> band_edges(const Subscale& subscale, double lo, double hi) {
  std::vector<std::pair<double, double>> edges;
  const auto& bands = subscale.bands;
  for (std::size_t b = 0; b < bands.size(); ++b) {
    double from = lo;
    double to = hi;
    if (bands[b].min) {
      from = *bands[b].min;
      if (b > 0 && bands[b - 1].max && *bands[b - 1].max < *bands[b].min) {
        from = (*bands[b - 1].max + *bands[b].min) / 2;
      }
    }
    if (bands[b].max) {
      to = *bands[b].max;
      if (b + 1 < bands.size() && bands[b + 1].min && *bands[b + 1].min > *bands[b].max) {
        to = (*bands[b].max + *bands[b + 1].min) / 2;
      }
    }
    edges.emplace_back(from, to);
  }
  return edges;
}

std::string band_range_text(const Band& band, const Subscale& subscale) {
  const int d = score_decimals(subscale) - 1;
  const auto number = [&](double v) { return svg::format_fixed(v, std::abs(v - std::round(v)) < 1e-9 ? 0 : d + 1); };
  if (band.min && band.max) return number(*band.min) + " to " + number(*band.max);
  if (band.min) return number(*band.min) + " or more";
  if (band.max) return number(*band.max) + " or less";
  return "any";
}

std::string wave_prefix(const WaveScores& wave) {
  if (wave.label.empty()) return {};
  std::string out = wave.label;
  out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out + ": ";
}

// Band shades: a different tint and pattern per band, light enough for the
// bars to stay readable over them.
svg::AreaStyle band_style(std::size_t index) {
  static constexpr std::array<std::string_view, 4> kTints = {"#56B4E9", "#E69F00", "#CC79A7", "#009E73"};
  return {.colour = kTints[index % kTints.size()], .pattern = svg::pattern_for(index + 1), .opacity = 0.55};
}

constexpr std::array<std::string_view, 2> kWaveColours = {svg::kOkabeIto[1], svg::kOkabeIto[5]};

SubscaleBlock subscale_distribution(const ReportContext& context, std::size_t s, const std::vector<WaveScores>& waves,
                                    const std::string& figure_prefix) {
  const Instrument& instrument = context.instrument;
  const Subscale& subscale = instrument.subscales[s];
  SubscaleBlock out{.anchor = element_id("scores", subscale.id), .name = subscale_title(subscale)};
  const auto range = score_range(instrument, subscale);

  std::vector<std::vector<double>> values;
  std::size_t most = 0;
  for (const WaveScores& wave : waves) {
    values.push_back(present(wave.values[s]));
    most = std::max(most, values.back().size());
  }
  const std::vector<double> breaks = histogram_breaks(range, most);
  std::vector<std::vector<std::size_t>> counts;
  std::size_t max_count = 1;
  for (const auto& v : values) {
    counts.push_back(histogram_counts(v, breaks));
    for (const std::size_t c : counts.back()) max_count = std::max(max_count, c);
  }

  // Sentences.
  const std::string direction = subscale.higher_is_better ? "Higher scores are better on this subscale."
                                                          : "Lower scores are better on this subscale.";
  for (std::size_t w = 0; w < waves.size(); ++w) {
    const WaveScores& wave = waves[w];
    const Summary summary = summarize(values[w]);
    const std::size_t without = wave.respondents - wave.with_errors - summary.n;
    std::string sentence = wave_prefix(wave);
    if (summary.n == 0) {
      sentence += "nobody has a " + subscale_name(subscale) + " score.";
    } else {
      sentence += count_of(summary.n, "respondent has", "respondents have") + " a score: mean " +
                  format_score(summary.mean, subscale) +
                  (summary.sd ? " (SD " + format_score(summary.sd, subscale) + ")" : "") + ", median " +
                  format_score(summary.median, subscale) + ", lowest " + format_score(summary.min, subscale) +
                  ", highest " + format_score(summary.max, subscale) + ", on a scale from " +
                  format_score(range.first, subscale) + " to " + format_score(range.second, subscale) + ".";
    }
    if (!subscale.bands.empty() && summary.n > 0) {
      std::vector<std::size_t> in_band(subscale.bands.size(), 0);
      std::size_t between = 0;
      for (const auto& band : wave.bands[s]) {
        if (band) {
          ++in_band[*band];
        }
      }
      std::size_t banded = std::accumulate(in_band.begin(), in_band.end(), std::size_t{0});
      between = summary.n - banded;
      sentence += " By the instrument's bands:";
      for (std::size_t b = 0; b < subscale.bands.size(); ++b) {
        sentence += (b == 0 ? " " : ", ") + std::to_string(in_band[b]) + " " + subscale.bands[b].label + " (" +
                    format_percent(static_cast<double>(in_band[b]) / static_cast<double>(summary.n)) + ")";
      }
      sentence += ".";
      if (between > 0) sentence += " " + count_of(between, "score falls", "scores fall") + " between two bands.";
    }
    if (without > 0) {
      sentence += " " + count_of(without, "respondent has", "respondents have") + " no score: fewer than " +
                  std::to_string(subscale.min_answered) + " of " + std::to_string(subscale.items.size()) +
                  " items answered.";
    }
    if (wave.prorated[s] > 0) {
      sentence += " " + count_of(wave.prorated[s], "sum is", "sums are") +
                  " prorated: items left empty are counted at the mean of the answered ones.";
    }
    out.block.statements.push_back(sentence);
  }
  out.block.statements.push_back(direction);

  // The figure.
  svg::Figure figure({.id = element_id(figure_prefix, subscale.id),
                      .title = "Distribution of " + subscale_name(subscale) + " scores",
                      .description = "Bars: number of respondents per score range" +
                                     std::string(waves.size() > 1 ? ", one colour per wave" : "") +
                                     ". Shaded stripes behind the bars: the instrument's bands.",
                      .height = 300});
  figure.set_x(svg::Scale::linear(breaks.front(), breaks.back(), figure.plot_left(), figure.plot_right()));
  const std::vector<double> count_ticks = [&] {
    std::vector<double> ticks;
    for (const double t : svg::pretty(0, static_cast<double>(max_count), 5)) {
      if (std::abs(t - std::round(t)) < 1e-9) ticks.push_back(t);
    }
    return ticks;
  }();
  figure.set_y(svg::Scale::linear(0, count_ticks.back(), figure.plot_bottom(), figure.plot_top()));
  const auto edges = band_edges(subscale, breaks.front(), breaks.back());
  for (std::size_t b = 0; b < subscale.bands.size(); ++b) {
    figure.band_x(edges[b].first, edges[b].second, band_style(b), subscale.bands[b].label);
  }
  const double series = static_cast<double>(waves.size());
  for (std::size_t w = 0; w < waves.size(); ++w) {
    for (std::size_t bin = 0; bin + 1 < breaks.size(); ++bin) {
      if (counts[w][bin] == 0) continue;
      const double width = (breaks[bin + 1] - breaks[bin]) / series;
      const double from = breaks[bin] + static_cast<double>(w) * width;
      const std::string tooltip = wave_prefix(waves[w]) + std::to_string(counts[w][bin]) + " with a score above " +
                                  svg::format_fixed(breaks[bin], svg::tick_decimals(breaks)) + " up to " +
                                  svg::format_fixed(breaks[bin + 1], svg::tick_decimals(breaks));
      figure.rect(from, from + width, 0, static_cast<double>(counts[w][bin]),
                  {.colour = waves.size() > 1 ? kWaveColours[w % 2] : svg::kOkabeIto[5],
                   .stroke = "#FFFFFF",
                   .css_class = "histogram"},
                  tooltip);
    }
  }
  figure.x_axis(subscale_name(subscale) + " score", breaks);
  figure.y_axis("Respondents", count_ticks);
  std::vector<svg::LegendEntry> legend;
  if (waves.size() > 1) {
    for (std::size_t w = 0; w < waves.size(); ++w) {
      legend.push_back({.label = waves[w].label + " (n = " + std::to_string(values[w].size()) + ")",
                        .colour = std::string(kWaveColours[w % 2]),
                        .kind = svg::LegendEntry::Kind::area});
    }
  }
  for (std::size_t b = 0; b < subscale.bands.size(); ++b) {
    const svg::AreaStyle style = band_style(b);
    legend.push_back({.label = subscale.bands[b].label + ": " + band_range_text(subscale.bands[b], subscale),
                      .colour = std::string(style.colour),
                      .kind = svg::LegendEntry::Kind::area,
                      .pattern = style.pattern});
  }
  if (!legend.empty()) figure.legend(legend);
  std::string caption =
      "Distribution of " + subscale_name(subscale) + " scores in ranges above the lower and up to the upper bound.";
  if (!subscale.bands.empty()) {
    caption += " Bands:";
    for (std::size_t b = 0; b < subscale.bands.size(); ++b) {
      caption += (b == 0 ? " " : "; ") + subscale.bands[b].label + " " + band_range_text(subscale.bands[b], subscale);
    }
    caption += ".";
    if (!subscale.bands_source.empty()) caption += " Source: " + subscale.bands_source;
  }
  out.block.figures.push_back(
      {.id = element_id("figure-" + figure_prefix, subscale.id), .svg = figure.render(), .caption = caption});

  // The figure's numbers.
  TableView bins{.caption = "Respondents per score range (" + subscale_name(subscale) + ")"};
  bins.columns.push_back({"Score range"});
  for (const WaveScores& wave : waves) bins.columns.push_back({wave.label.empty() ? "Respondents" : wave.label, true});
  const int d = svg::tick_decimals(breaks);
  for (std::size_t bin = 0; bin + 1 < breaks.size(); ++bin) {
    std::vector<TableCell> row{{(bin == 0 ? "from " : "above ") + svg::format_fixed(breaks[bin], d) + " to " +
                                svg::format_fixed(breaks[bin + 1], d)}};
    for (std::size_t w = 0; w < waves.size(); ++w) row.push_back({std::to_string(counts[w][bin]), true});
    bins.rows.push_back(std::move(row));
  }
  out.block.tables.push_back(std::move(bins));

  TableView summary{.caption = "Summary of " + subscale_name(subscale) + " scores"};
  summary.columns = {{"Wave"},         {"n", true},      {"Mean", true},   {"SD", true},
                     {"Median", true}, {"Lowest", true}, {"Highest", true}};
  for (std::size_t w = 0; w < waves.size(); ++w) {
    const Summary sm = summarize(values[w]);
    summary.rows.push_back({{waves[w].label.empty() ? "all" : waves[w].label},
                            {std::to_string(sm.n), true},
                            {format_score(sm.mean, subscale), true},
                            {format_score(sm.sd, subscale), true},
                            {format_score(sm.median, subscale), true},
                            {format_score(sm.min, subscale), true},
                            {format_score(sm.max, subscale), true}});
  }
  out.block.tables.push_back(std::move(summary));
  return out;
}

}  // namespace

WaveScores wave_scores(const Instrument& instrument, const ResponseMatrix& responses, std::string label) {
  const ScoreTable table = score(instrument, responses);
  WaveScores out{.label = std::move(label), .respondents = responses.respondent_count()};
  const std::size_t subscales = instrument.subscales.size();
  out.values.assign(subscales, {});
  out.bands.assign(subscales, {});
  out.prorated.assign(subscales, 0);
  out.warnings = table.warnings;
  for (std::size_t r = 0; r < responses.respondent_count(); ++r) {
    if (!responses.usable(r)) {
      ++out.with_errors;
      continue;
    }
    for (std::size_t s = 0; s < subscales; ++s) {
      const SubscaleScore& score = table.at(r, s);
      out.values[s].push_back(score.value);
      out.bands[s].push_back(score.band);
      if (score.value && score.prorated) ++out.prorated[s];
    }
  }
  return out;
}

WaveScores wave_scores_of_group(const Instrument& instrument, const ResponseMatrix& responses,
                                const std::string& group) {
  ResponseMatrix subset;
  subset.item_count = responses.item_count;
  for (std::size_t r = 0; r < responses.respondent_count(); ++r) {
    if (r >= responses.groups.size() || responses.groups[r] != group) continue;
    subset.ids.push_back(responses.ids[r]);
    const auto row = responses.row(r);
    subset.answers.insert(subset.answers.end(), row.begin(), row.end());
    subset.errors.push_back(responses.errors[r]);
  }
  return wave_scores(instrument, subset, group);
}

Section scores_section(const ReportContext& context, const std::vector<WaveScores>& waves, bool pool) {
  Section section{.id = "scores", .title = "Scores", .template_name = "scores"};
  std::vector<WaveScores> drawn = waves;
  if (pool && waves.size() > 1) {
    WaveScores all{.label = {}};
    all.values.assign(context.instrument.subscales.size(), {});
    all.bands.assign(context.instrument.subscales.size(), {});
    all.prorated.assign(context.instrument.subscales.size(), 0);
    for (const WaveScores& wave : waves) {
      all.respondents += wave.respondents;
      all.with_errors += wave.with_errors;
      for (std::size_t s = 0; s < all.values.size(); ++s) {
        all.values[s].insert(all.values[s].end(), wave.values[s].begin(), wave.values[s].end());
        all.bands[s].insert(all.bands[s].end(), wave.bands[s].begin(), wave.bands[s].end());
        all.prorated[s] += wave.prorated[s];
      }
    }
    drawn = {std::move(all)};
    section.block.statements.push_back("All groups together; the comparison section below takes them apart.");
  }
  for (std::size_t s = 0; s < context.instrument.subscales.size(); ++s) {
    section.subscales.push_back(subscale_distribution(context, s, drawn, "scores-histogram"));
  }
  return section;
}

}  // namespace psyscore::detail
