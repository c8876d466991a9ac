// The cohort-factor section: which respondent attributes go with a binary
// outcome. The logistic regression in plain words (one sentence per odds
// ratio), a forest plot of the odds ratios and their intervals on a log axis,
// the coefficient and fit tables, and each categorical factor's table against
// the outcome with its chi-squared and Fisher tests.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "scoring/encode/report_format.hpp"
#include "scoring/encode/report_sections.hpp"
#include "scoring/encode/svg_plot.hpp"

namespace psyscore::detail {
namespace {

// The forest plot's axis covers at least [1/2, 2] and at most [1/1000, 1000];
// what lies beyond is marked at the edge.
constexpr double kAxisFloor = 1e-3;
constexpr double kAxisCeiling = 1e3;

std::string quoted(const std::string& text) { return "\u201c" + text + "\u201d"; }

// A model term in words: the factor, and for a categorical one the level
// compared with the reference level.
struct TermWords {
  std::string label;      // "duration: 5plus vs lt1", "age (per 1 more)"
  std::string predictor;  // the covariate's name
  bool numeric = false;
};

TermWords describe_term(const ModelReport& report, const std::string& term) {
  const Association* best = nullptr;
  std::string level;
  for (const Association& association : report.associations) {
    if (!term.starts_with(association.covariate) || association.levels.size() < 2) continue;
    if (best != nullptr && best->covariate.size() >= association.covariate.size()) continue;
    const std::string rest = term.substr(association.covariate.size());
    if (std::find(association.levels.begin() + 1, association.levels.end(), rest) == association.levels.end()) continue;
    best = &association;
    level = rest;
  }
  if (best != nullptr) {
    return {.label = best->covariate + ": " + level + " vs " + best->levels.front(), .predictor = best->covariate};
  }
  return {.label = term + " (per 1 more)", .predictor = term, .numeric = true};
}

// The interval the page shows and draws: the profile-likelihood one, or the
// Wald one where there is no profile interval (separation), with an end that
// overflowed (an infinite estimate) taken as beyond the axis.
struct DrawnInterval {
  double lower = std::nan("");
  double upper = std::nan("");
  bool wald = false;
};

DrawnInterval drawn_interval(const ModelCoefficient& coefficient) {
  const auto profile_lower = value_of(coefficient.profile.lower);
  const auto profile_upper = value_of(coefficient.profile.upper);
  if (profile_lower && profile_upper) return {.lower = *profile_lower, .upper = *profile_upper};
  if (!value_of(coefficient.estimate)) return {};
  return {.lower = value_of(coefficient.wald.lower).value_or(0.0),
          .upper = value_of(coefficient.wald.upper).value_or(HUGE_VAL),
          .wald = true};
}

std::string interval_words(const DrawnInterval& interval, double ci_level) {
  return format_percent(ci_level) + (interval.wald ? " Wald CI " : " CI ") + format_ratio(interval.lower) + " to " +
         format_ratio(interval.upper);
}

bool separated(const LogisticSummary& logistic, const TermWords& words) {
  return std::find(logistic.separated_predictors.begin(), logistic.separated_predictors.end(), words.predictor) !=
         logistic.separated_predictors.end();
}

std::string odds_sentence(const ModelReport& report, const ModelCoefficient& coefficient, const TermWords& words) {
  const std::string outcome = quoted(report.outcome_label);
  const auto odds_ratio = value_of(coefficient.odds_ratio);
  if (!value_of(coefficient.estimate)) {
    return words.label + ": cannot be estimated from these data (it carries the same information as other terms).";
  }
  if (separated(report.logistic, words)) {
    return words.label + ": " + words.predictor +
           " separates the respondents with the outcome from those without it, so this odds ratio cannot be "
           "estimated (the notes say more).";
  }
  const DrawnInterval interval = drawn_interval(coefficient);
  std::string sentence;
  if (words.numeric) {
    sentence =
        "Each 1 more in " + words.predictor + " multiplies the odds of " + outcome + " by " + format_ratio(odds_ratio);
  } else {
    sentence = words.label + ": the odds of " + outcome + " are ";
    if (odds_ratio && format_ratio(odds_ratio) != "1.00") sentence += *odds_ratio < 1 ? "lower, " : "higher, ";
    sentence += format_ratio(odds_ratio) + " times as high";
  }
  sentence += " (" + interval_words(interval, report.ci_level) + ", " + p_equals(coefficient.p) + ").";
  if (std::isfinite(interval.lower) && std::isfinite(interval.upper)) {
    sentence += interval.lower <= 1 && interval.upper >= 1
                    ? " The interval includes 1, so the data are also consistent with no difference."
                    : " The interval does not include 1.";
  }
  return sentence;
}

std::string outcome_sentence(const ModelReport& report) {
  const double share =
      report.n == 0 ? std::nan("") : static_cast<double>(report.events) / static_cast<double>(report.n);
  std::string sentence = "The outcome is " + quoted(report.outcome_label) + ": " + std::to_string(report.events) +
                         " of the " + count_of(report.n, "respondent", "respondents") + " in the model have it (" +
                         format_percent(share) + ").";
  if (report.excluded_missing > 0) {
    sentence += " " + count_of(report.excluded_missing, "respondent lacks", "respondents lack") +
                " the outcome or one of the factors and " + (report.excluded_missing == 1 ? "is" : "are") +
                " left out of the model.";
  }
  return sentence;
}

std::string fit_sentence(const LogisticSummary& logistic) {
  return "Do the factors together tell anything about the outcome? Likelihood-ratio test against no factors: "
         "chi-squared(" +
         std::to_string(logistic.lr_df) + ") = " + format_statistic(logistic.lr_chi_squared) + ", " +
         p_equals(logistic.lr_p) + ". Nagelkerke's R squared is " + format_statistic(logistic.nagelkerke_r2) +
         " (0: the factors tell nothing about the outcome; 1: they predict it perfectly).";
}

std::vector<std::string> plain_notes(const ModelReport& report) {
  std::vector<std::string> notes;
  const LogisticSummary& logistic = report.logistic;
  if (logistic.separation) {
    std::string names;
    for (std::size_t i = 0; i < logistic.separated_predictors.size(); ++i) {
      names += (i == 0                                          ? ""
                : i + 1 == logistic.separated_predictors.size() ? " and "
                                                                : ", ") +
               logistic.separated_predictors[i];
    }
    notes.push_back(
        names + (logistic.separation_kind == "complete" ? " split" : " almost split") +
        " the respondents with the outcome from those without it: some group has only one of the two. Its odds "
        "ratio is then endlessly large or small, and the numbers the model gives for it mean nothing; the figure "
        "marks it beyond the axis with its Wald interval. Merging small groups or leaving the factor out helps.");
  }
  if (!logistic.converged) {
    notes.push_back(
        "The model did not settle on its estimates (it did not converge): treat all of its numbers as "
        "unreliable.");
  }
  // The engine's rule: the smaller outcome class over the estimable
  // non-intercept coefficients (at least one).
  const std::size_t smaller_class = std::min(report.events, report.n - report.events);
  const auto terms = static_cast<std::size_t>(std::max<std::ptrdiff_t>(
      std::ranges::count_if(logistic.coefficients,
                            [](const ModelCoefficient& c) { return c.term != "(Intercept)" && value_of(c.estimate); }),
      1));
  if (static_cast<double>(smaller_class) < kMinEventsPerCoefficient * static_cast<double>(terms)) {
    notes.push_back("The smaller of the two outcome groups has " +
                    count_of(smaller_class, "respondent", "respondents") + " for " +
                    count_of(terms, "model term", "model terms") + ", fewer than " +
                    svg::format_fixed(kMinEventsPerCoefficient, 0) +
                    " per term: the odds ratios may come out too far from 1 and the intervals too "
                    "narrow. Read them as rough.");
  }
  if (const std::string note = small_sample_note(report.n, "respondent"); !note.empty()) notes.push_back(note);
  return notes;
}

// ---------------------------------------------------------------- forest plot

struct ForestRow {
  std::string label;
  std::optional<double> odds_ratio;
  DrawnInterval interval;
  bool estimable = true;
};

FigureView forest_figure(const ModelReport& report, const std::vector<ForestRow>& rows) {
  double lo = 0.5;
  double hi = 2;
  for (const ForestRow& row : rows) {
    for (const double v : {row.odds_ratio.value_or(std::nan("")), row.interval.lower, row.interval.upper}) {
      if (!std::isfinite(v) || v <= 0) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  lo = std::max(lo, kAxisFloor) / 1.25;
  hi = std::min(hi, kAxisCeiling) * 1.25;
  const double row_height = 34;
  svg::Figure figure({.id = "model-forest",
                      .title = "Odds ratios of " + report.outcome_label + " with their intervals",
                      .description = "One row per model term: a dot at the odds ratio, a line for its " +
                                     format_percent(report.ci_level) +
                                     " interval (dashed: the Wald interval, where there is no profile interval), on "
                                     "a log scale. Right of the dashed vertical line at 1 the odds of the outcome are "
                                     "higher, left of it lower. An arrow at the edge marks a value beyond the axis.",
                      .height = 84 + row_height * static_cast<double>(rows.size()),
                      .margin_left = 190});
  figure.set_x(svg::Scale::log10(lo, hi, figure.plot_left(), figure.plot_right()));
  figure.set_y(svg::Scale::linear(0, static_cast<double>(rows.size()), figure.plot_top(), figure.plot_bottom()));
  const svg::BandScale bands(rows.size(), figure.plot_top(), figure.plot_bottom(), 0.2);
  figure.line(1, 0, 1, static_cast<double>(rows.size()),
              {.colour = svg::kMuted, .width = 1, .dashed = true, .css_class = "no-difference"});
  std::vector<std::string> labels;
  bool any_wald = false;
  const auto beyond = [&](double y_px, bool right) {
    figure.text(right ? figure.plot_right() - 2 : figure.plot_left() + 2, y_px + 4, right ? "\u25B6" : "\u25C0",
                right ? "end" : "start", 0, "beyond");
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const ForestRow& row = rows[i];
    const double y = bands.center(i);
    labels.push_back(row.label);
    if (!row.estimable) {
      figure.text((figure.plot_left() + figure.plot_right()) / 2, y + 4, "not estimable", "middle", 0, "not-estimable");
      continue;
    }
    const DrawnInterval& interval = row.interval;
    if (std::isfinite(interval.lower) || std::isfinite(interval.upper)) {
      any_wald = any_wald || interval.wald;
      const double drawn_lo = std::clamp(std::isfinite(interval.lower) ? interval.lower : lo, lo, hi);
      const double drawn_hi = std::clamp(std::isfinite(interval.upper) ? interval.upper : hi, lo, hi);
      figure.error_bar_x(y, drawn_lo, drawn_hi,
                         {.colour = svg::kOkabeIto[5],
                          .width = 2,
                          .dashed = interval.wald,
                          .css_class = interval.wald ? "odds-interval wald" : "odds-interval"},
                         4, row.label + ": " + interval_words(interval, report.ci_level));
      if (!(interval.lower >= lo)) beyond(y, false);
      if (!(interval.upper <= hi)) beyond(y, true);
    }
    if (row.odds_ratio && *row.odds_ratio >= lo && *row.odds_ratio <= hi) {
      figure.point(*row.odds_ratio, static_cast<double>(i) + 0.5,
                   {.colour = svg::kInk, .shape = svg::Shape::square, .size = 9, .css_class = "odds-ratio"},
                   row.label + ": odds ratio " + format_ratio(row.odds_ratio));
    } else if (row.odds_ratio) {
      beyond(y - 10, *row.odds_ratio > hi);
    }
  }
  figure.x_axis("Odds ratio (log scale; 1 = no difference)", svg::log_ticks(lo, hi));
  figure.y_axis_bands(bands, labels);
  std::vector<svg::LegendEntry> legend = {
      {.label = "odds ratio", .colour = std::string(svg::kInk), .shape = svg::Shape::square},
      {.label = format_percent(report.ci_level) + " profile-likelihood interval",
       .colour = std::string(svg::kOkabeIto[5]),
       .kind = svg::LegendEntry::Kind::line}};
  if (any_wald) {
    legend.push_back({.label = "Wald interval (no profile interval)",
                      .colour = std::string(svg::kOkabeIto[5]),
                      .kind = svg::LegendEntry::Kind::line,
                      .dashed = true});
  }
  figure.legend(legend);
  return {.id = "figure-model-forest",
          .svg = figure.render(),
          .caption = "Odds ratios of " + quoted(report.outcome_label) +
                     " for each factor, with their intervals, on a log scale: right of 1 the odds are higher, left "
                     "of 1 lower. The table below has the same numbers."};
}

// ---------------------------------------------------------------- tables

std::string interval_cell(const ModelInterval& interval) {
  const auto lower = value_of(interval.lower);
  const auto upper = value_of(interval.upper);
  if (!lower || !upper) return std::string(kNotAvailable);
  return format_ratio(lower) + " to " + format_ratio(upper);
}

TableView coefficients_table(const ModelReport& report) {
  const std::string level = format_percent(report.ci_level);
  TableView table{.id = "table-model-coefficients", .caption = "Logistic regression of " + report.outcome_label};
  table.columns = {{"Term"},
                   {"Odds ratio", true},
                   {level + " CI (profile)", true},
                   {level + " CI (Wald)", true},
                   {"p", true},
                   {"Log odds", true},
                   {"SE", true},
                   {"z", true}};
  for (const ModelCoefficient& coefficient : report.logistic.coefficients) {
    const std::string label = coefficient.term == "(Intercept)" ? "Intercept (odds at the reference levels)"
                                                                : describe_term(report, coefficient.term).label;
    table.rows.push_back({{label},
                          {format_ratio(coefficient.odds_ratio), true},
                          {interval_cell(coefficient.profile), true},
                          {interval_cell(coefficient.wald), true},
                          {format_p(coefficient.p), true},
                          {format_statistic(coefficient.estimate), true},
                          {format_statistic(coefficient.se), true},
                          {format_statistic(coefficient.z), true}});
  }
  return table;
}

TableView fit_table(const ModelReport& report) {
  const LogisticSummary& logistic = report.logistic;
  TableView table{.id = "table-model-fit", .caption = "How well the model fits"};
  table.columns = {{"Measure"}, {"Value", true}};
  const auto add = [&](std::string name, std::string value) {
    table.rows.push_back({{std::move(name)}, {std::move(value), true}});
  };
  add("Respondents in the model", std::to_string(report.n));
  add("With the outcome", std::to_string(report.events));
  add("Deviance (df)", format_statistic(logistic.deviance) + " (" + std::to_string(logistic.df_residual) + ")");
  add("Null deviance (df)", format_statistic(logistic.null_deviance) + " (" + std::to_string(logistic.df_null) + ")");
  add("AIC", format_statistic(logistic.aic));
  add("Likelihood-ratio chi-squared (df)",
      format_statistic(logistic.lr_chi_squared) + " (" + std::to_string(logistic.lr_df) + ")");
  add("p (likelihood ratio)", format_p(logistic.lr_p));
  add("Nagelkerke's R squared", format_statistic(logistic.nagelkerke_r2));
  add("Iterations", std::to_string(logistic.iterations) + (logistic.converged ? "" : " (did not converge)"));
  return table;
}

SubscaleBlock association_block(const ModelReport& report, const Association& association) {
  SubscaleBlock out{.anchor = element_id("model-association", association.covariate),
                    .name = association.covariate + " and the outcome"};
  Block& block = out.block;
  std::string shares = "Share with " + quoted(report.outcome_label) + " by " + association.covariate + ":";
  TableView table{.id = element_id("table-model-association", association.covariate),
                  .caption = association.covariate + " against " + report.outcome_label};
  table.columns = {{association.covariate}, {"Without", true}, {"With", true}, {"Share with", true}};
  for (std::size_t l = 0; l < association.levels.size() && l < association.table.size(); ++l) {
    const auto [without, with] = association.table[l];
    const std::size_t total = without + with;
    const double share = total == 0 ? std::nan("") : static_cast<double>(with) / static_cast<double>(total);
    shares += (l == 0 ? " " : "; ") + association.levels[l] + " " + std::to_string(with) + " of " +
              std::to_string(total) + " (" + format_percent(share) + ")";
    table.rows.push_back({{association.levels[l]},
                          {std::to_string(without), true},
                          {std::to_string(with), true},
                          {format_percent(share), true}});
  }
  block.statements.push_back(shares + ".");
  if (value_of(association.chi_squared)) {
    std::string tests = "Does the share differ by " + association.covariate + "? Chi-squared test" +
                        (association.correct ? " (with Yates' correction)" : "") + ": chi-squared(" +
                        std::to_string(association.df) + ") = " + format_statistic(association.chi_squared) + ", " +
                        p_equals(association.chi_squared_p) + ".";
    tests += value_of(association.fisher_p)
                 ? " Fisher's exact test: " + p_equals(association.fisher_p) + "."
                 : " Fisher's exact test was not computed: the table is too large to enumerate exactly.";
    block.statements.push_back(tests + " These tests look at " + association.covariate +
                               " alone; the model above holds the other factors fixed.");
  }
  if (const auto smallest = value_of(association.min_expected); smallest && *smallest < 5) {
    block.plain_notes.push_back("Some groups are small (the smallest expected count is " + format_statistic(smallest) +
                                ", below 5): rely on Fisher's exact test rather than the chi-squared test.");
  }
  block.tables.push_back(std::move(table));
  return out;
}

}  // namespace

Section model_section(const ReportContext& /*context*/, const ModelReport& report) {
  Section section{.id = "model", .title = "Which factors go with the outcome", .template_name = "model"};
  Block& block = section.block;
  block.statements.push_back(outcome_sentence(report));
  std::vector<ForestRow> rows;
  for (const ModelCoefficient& coefficient : report.logistic.coefficients) {
    if (coefficient.term == "(Intercept)") continue;
    const TermWords words = describe_term(report, coefficient.term);
    block.statements.push_back(odds_sentence(report, coefficient, words));
    rows.push_back({.label = words.label,
                    .odds_ratio = value_of(coefficient.odds_ratio),
                    .interval = drawn_interval(coefficient),
                    .estimable = value_of(coefficient.estimate).has_value()});
  }
  block.statements.push_back(fit_sentence(report.logistic));
  block.plain_notes = plain_notes(report);
  block.details = report.warnings;
  if (!rows.empty()) block.figures.push_back(forest_figure(report, rows));
  block.tables.push_back(coefficients_table(report));
  block.tables.push_back(fit_table(report));
  for (const Association& association : report.associations) {
    section.subscales.push_back(association_block(report, association));
  }
  return section;
}

}  // namespace psyscore::detail
