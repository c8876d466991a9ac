// A small plotting module that writes the report's figures as inline SVG.
//
// The report draws a handful of chart kinds (histograms over shaded bands,
// intervals beside a reference value, the Jacobson-Truax scatter, box plots
// with points, Likert bars). Rather than concatenating SVG in every encoder,
// they share this module: scales with R-like "pretty" ticks, axes, marks placed
// exactly at their data coordinates, a legend, and text that is measured and
// truncated or wrapped so it cannot overflow its box. Every piece of text that
// reaches the output is escaped for XML, so user-supplied names (groups,
// subscales, ids) cannot inject markup.
//
// Colours come from the Okabe-Ito palette, which stays distinguishable for the
// common colour-vision deficiencies; categories also differ by shape (points)
// or pattern (areas), so the figure still reads in greyscale print.
//
//   svg::Figure figure({.id = "ee-change", .title = "EE before and after", .description = "..."});
//   figure.set_x(svg::Scale::linear(0, 54, figure.plot_left(), figure.plot_right()));
//   figure.set_y(svg::Scale::linear(0, 54, figure.plot_bottom(), figure.plot_top()));
//   figure.x_axis("Before");
//   figure.y_axis("After");
//   figure.point(33, 27, {.colour = svg::kOkabeIto[2], .shape = svg::Shape::circle});
//   std::string svg_text = figure.render();
//
// Private to the engine. Not thread-safe per Figure; Figures share no state.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace psyscore::detail::svg {

// ---------------------------------------------------------------- text

// `text` as XML character data or attribute value: & < > " ' escaped, invalid
// UTF-8 replaced by U+FFFD, and control characters (which XML 1.0 forbids)
// dropped, except tab and newline which become spaces.
std::string escape_text(std::string_view text);

// Estimated advance width in px of `text` (UTF-8) set in a sans-serif font of
// `font_size` px: Helvetica/Arial metrics for ASCII, 0.65 em for other
// letters and 1 em for wide (CJK) characters, with a 15 % margin so that a
// fallback font does not overflow either.
double text_width(std::string_view text, double font_size);

// `text` shortened with a trailing "…" so that text_width <= max_width; the
// text itself when it fits. Never cuts inside a UTF-8 sequence.
std::string fit_text(std::string_view text, double max_width, double font_size);

// `text` broken at spaces into at most `max_lines` lines each no wider than
// `max_width`; a word wider than a line, or text beyond the last line, is
// truncated with "…".
std::vector<std::string> wrap_text(std::string_view text, double max_width, double font_size, std::size_t max_lines);

// A coordinate or length for an attribute: rounded to 2 decimals, trailing
// zeros dropped, never "-0".
std::string coordinate(double value);

// `value` with `decimals` digits after the point (no exponent), never "-0".
std::string format_fixed(double value, int decimals);

// ---------------------------------------------------------------- scales

// R's pretty(c(lo, hi), n): about n + 1 equally spaced round values (1, 2 or
// 5 times a power of ten) covering [lo, hi], as base::pretty.default in R 4.2
// with its default biases.
std::vector<double> pretty(double lo, double hi, int n = 5);

// Ticks of a log10 axis over [lo, hi] (both > 0): the powers of ten, and 2
// and 5 times them when the range spans at most 3 decades.
std::vector<double> log_ticks(double lo, double hi);

// Decimals needed to print every tick of `ticks` without loss (0..10).
int tick_decimals(const std::vector<double>& ticks);

// Maps a numeric domain onto a pixel range, linearly or on log10. The range
// may be reversed (y grows downwards in SVG).
class Scale {
 public:
  static Scale linear(double domain_lo, double domain_hi, double range_lo, double range_hi);
  // Domain values must be > 0.
  static Scale log10(double domain_lo, double domain_hi, double range_lo, double range_hi);
  // A linear scale whose domain is widened to pretty(lo, hi, n)'s first and
  // last tick, so the axis starts and ends on a labelled value.
  static Scale nice_linear(double lo, double hi, double range_lo, double range_hi, int n = 5);

  double operator()(double value) const;
  // The pixel position clamped to the range.
  double clamped(double value) const;
  std::vector<double> ticks(int n = 5) const;  // within the domain
  bool is_log() const { return log_; }
  double domain_lo() const { return domain_lo_; }
  double domain_hi() const { return domain_hi_; }
  double range_lo() const { return range_lo_; }
  double range_hi() const { return range_hi_; }

 private:
  Scale(double domain_lo, double domain_hi, double range_lo, double range_hi, bool log);
  double domain_lo_;
  double domain_hi_;
  double range_lo_;
  double range_hi_;
  bool log_;
};

// Equal bands (categories) along a pixel range, with `padding` (0..1) of each
// band's step left empty, split on both sides.
class BandScale {
 public:
  BandScale(std::size_t count, double range_lo, double range_hi, double padding = 0.2);
  double start(std::size_t index) const;  // first pixel of band `index`
  double center(std::size_t index) const;
  double bandwidth() const { return bandwidth_; }
  double step() const { return step_; }
  std::size_t count() const { return count_; }

 private:
  std::size_t count_;
  double range_lo_;
  double step_;
  double bandwidth_;
  double padding_px_;
};

// ---------------------------------------------------------------- styles

// Okabe & Ito (2008), "Color universal design": black, orange, sky blue,
// bluish green, yellow, blue, vermillion, reddish purple.
inline constexpr std::array<std::string_view, 8> kOkabeIto = {"#000000", "#E69F00", "#56B4E9", "#009E73",
                                                              "#F0E442", "#0072B2", "#D55E00", "#CC79A7"};
// Five steps from strong disagreement (dark orange) to strong agreement (dark
// blue) through a neutral grey (ColorBrewer's PuOr family, safe for colour-
// vision deficiency; the sides are told apart by position as well).
inline constexpr std::array<std::string_view, 5> kDiverging = {"#B35806", "#F1A340", "#D9D9D9", "#998EC3", "#542788"};
// Five shades of one hue, light to dark (ColorBrewer Blues), for counts: the
// order survives greyscale.
inline constexpr std::array<std::string_view, 5> kSequential = {"#C6DBEF", "#9ECAE1", "#6BAED6", "#3182BD", "#08519C"};
inline constexpr std::string_view kInk = "#222222";
inline constexpr std::string_view kGrid = "#DDDDDD";
inline constexpr std::string_view kMuted = "#666666";

// Beyond this many points a scatter is drawn as a binned density.
inline constexpr std::size_t kMaxScatterPoints = 2000;

enum class Shape { circle, square, triangle, diamond, triangle_down, cross };
// A distinct shape for category `index` (cycles after 6).
Shape shape_for(std::size_t index);

enum class Pattern { solid, hatch, cross_hatch, dots };
// A distinct pattern for category `index` (cycles after 4).
Pattern pattern_for(std::size_t index);

struct MarkStyle {
  std::string_view colour = kInk;
  Shape shape = Shape::circle;
  double size = 7;                  // diameter in px
  bool hollow = false;              // outline only
  std::string_view css_class = {};  // extra class, e.g. the category
};

struct AreaStyle {
  std::string_view colour = kGrid;
  Pattern pattern = Pattern::solid;
  double opacity = 1;
  std::string_view stroke = {};  // empty: no outline
  std::string_view css_class = {};
};

struct LineStyle {
  std::string_view colour = kInk;
  double width = 1.5;
  bool dashed = false;
  std::string_view css_class = {};
};

struct LegendEntry {
  std::string label = {};
  std::string colour{kInk};
  enum class Kind { mark, area, line } kind = Kind::mark;
  Shape shape = Shape::circle;
  Pattern pattern = Pattern::solid;
  bool dashed = false;
  bool hollow = false;  // a mark drawn as an outline
};

// One segment of a diverging stacked bar, in scale order (most negative first).
struct BarSegment {
  double share = 0;  // in the x scale's units (e.g. percent)
  std::string_view colour = kGrid;
  std::string label = {};  // the segment's <title>
};

// ---------------------------------------------------------------- figure

struct FigureOptions {
  // Prefix of every id in the figure; must be unique within the HTML page
  // (several figures share one document). Letters, digits, '-' and '_' only;
  // other characters are replaced by '_'.
  std::string id = {};
  std::string title = {};        // <title>: what the figure shows, one line
  std::string description = {};  // <desc>: how to read it, in sentences
  double width = 640;
  double height = 400;
  double margin_left = 64;
  double margin_right = 20;
  double margin_top = 20;
  double margin_bottom = 52;
  double font_size = 12;
};

// What density() drew.
struct DensitySummary {
  std::size_t points = 0;  // finite points binned
  std::size_t max_count = 0;
  std::size_t bins_x = 0;
  std::size_t bins_y = 0;
};

class Figure {
 public:
  explicit Figure(FigureOptions options);

  double plot_left() const { return options_.margin_left; }
  double plot_right() const { return options_.width - options_.margin_right; }
  double plot_top() const { return options_.margin_top; }
  double plot_bottom() const { return options_.height - options_.margin_bottom; }
  const std::string& id() const { return id_; }

  void set_x(Scale scale) { x_ = scale; }
  void set_y(Scale scale) { y_ = scale; }
  const Scale& x() const { return *x_; }
  const Scale& y() const { return *y_; }

  // Axes with their ticks (the scale's, or the given values), light grid lines
  // across the plot area, and a label. Need the matching scale set. Tick
  // labels share their decimals, except on a log x axis (0.1, 1, 10).
  void x_axis(std::string_view label, std::optional<std::vector<double>> ticks = std::nullopt);
  void y_axis(std::string_view label, std::optional<std::vector<double>> ticks = std::nullopt);
  // Category axes: one label per band, fitted to the band's width.
  void x_axis_bands(const BandScale& bands, const std::vector<std::string>& labels, std::string_view label);
  void y_axis_bands(const BandScale& bands, const std::vector<std::string>& labels);

  // Marks in data coordinates (x and y scales). Parts outside the plot area
  // are clipped; `tooltip` (may be empty) becomes the mark's <title>.
  void point(double x, double y, const MarkStyle& style, std::string_view tooltip = {});
  void line(double x1, double y1, double x2, double y2, const LineStyle& style);
  void polyline(const std::vector<std::pair<double, double>>& points, const LineStyle& style,
                std::string_view tooltip = {});
  void polygon(const std::vector<std::pair<double, double>>& points, const AreaStyle& style,
               std::string_view tooltip = {});
  void rect(double x0, double x1, double y0, double y1, const AreaStyle& style, std::string_view tooltip = {});
  // A stripe over the whole plot height from x0 to x1 (e.g. a score band),
  // with `label` written at its top when it fits.
  void band_x(double x0, double x1, const AreaStyle& style, std::string_view label = {});
  // A horizontal interval at pixel row `y_px` from x_lo to x_hi (data), with
  // caps of `cap_px` half-height.
  void error_bar_x(double y_px, double x_lo, double x_hi, const LineStyle& style, double cap_px = 4,
                   std::string_view tooltip = {});
  // A vertical interval at pixel column `x_px` from y_lo to y_hi (data).
  void error_bar_y(double x_px, double y_lo, double y_hi, const LineStyle& style, double cap_px = 4,
                   std::string_view tooltip = {});
  // A vertical box plot centred at pixel column `x_px`, `width_px` wide: box
  // from q1 to q3, a median line, whiskers to whisker_lo and whisker_hi (data).
  void box_plot(double x_px, double width_px, double q1, double median, double q3, double whisker_lo, double whisker_hi,
                const AreaStyle& style, std::string_view tooltip = {});
  // A point at pixel column `x_px` and data y (for points beside a box).
  void point_px_x(double x_px, double y, const MarkStyle& style, std::string_view tooltip = {});
  // A horizontal stacked bar in pixel row [y_px, y_px + height_px]. With a
  // neutral segment it straddles 0 (half on each side); segments before it
  // lie left of 0 and those after it right of 0. Without one, the segments
  // before `split` lie left of 0.
  void diverging_bar(double y_px, double height_px, const std::vector<BarSegment>& segments,
                     std::optional<std::size_t> neutral, std::size_t split);
  // Bins (xs, ys) into bins_x x bins_y cells over the plot area and shades
  // each non-empty cell by its count (darker = more); adds a count key to the
  // legend. For scatters over kMaxScatterPoints points.
  DensitySummary density(const std::vector<double>& xs, const std::vector<double>& ys, std::size_t bins_x = 40,
                         std::size_t bins_y = 40);

  // Legend entries that explain density()'s shades (count ranges).
  static std::vector<LegendEntry> density_key(const DensitySummary& summary);

  // Text at pixel (x, y), fitted to `max_width` px (0: no limit).
  // anchor: "start", "middle" or "end".
  void text(double x_px, double y_px, std::string_view text, std::string_view anchor = "start", double max_width = 0,
            std::string_view css_class = {});

  // A legend under the plot, wrapped into rows; the figure grows to fit it.
  void legend(const std::vector<LegendEntry>& entries);

  // The complete <svg> element.
  std::string render() const;

 private:
  std::string pattern_fill(std::string_view colour, Pattern pattern);
  void mark_at(std::string& out, double x_px, double y_px, const MarkStyle& style, std::string_view tooltip) const;
  void axis_label_x(std::string_view label);
  void axis_label_y(std::string_view label);

  FigureOptions options_;
  std::string id_;
  std::optional<Scale> x_;
  std::optional<Scale> y_;
  std::string defs_;
  std::vector<std::string> pattern_ids_;
  std::string background_;  // bands and areas
  std::string grid_;
  std::string marks_;
  std::string axes_;
  std::string legend_;
  double extra_height_ = 0;
};

}  // namespace psyscore::detail::svg
