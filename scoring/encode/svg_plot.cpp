#include "scoring/encode/svg_plot.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <type_traits>

namespace psyscore::detail::svg {
namespace {

// GCC 12 has no <format>: a tiny stand-in that replaces "{}" with the next
// argument and "{N}" with argument N. Arguments are strings or integers.
std::string piece(std::string_view text) { return std::string(text); }
std::string piece(const char* text) { return text; }
template <typename Integer>
requires std::is_integral_v<Integer> std::string piece(Integer value) { return std::to_string(value); }

template <typename... Args>
std::string format(std::string_view pattern, const Args&... args) {
  const std::array<std::string, sizeof...(Args)> pieces{piece(args)...};
  std::string out;
  out.reserve(pattern.size() + 16 * sizeof...(Args));
  std::size_t next = 0;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '{') {
      out += pattern[i];
      continue;
    }
    const std::size_t close = pattern.find('}', i);
    std::size_t index = next++;
    if (close > i + 1) index = static_cast<std::size_t>(std::stoul(std::string(pattern.substr(i + 1, close - i - 1))));
    if (index < pieces.size()) out += pieces[index];
    i = close;
  }
  return out;
}

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026
constexpr char32_t kReplacement = 0xFFFD;

// Decodes one code point at text[i]; an invalid sequence gives U+FFFD and
// consumes one byte.
std::pair<char32_t, std::size_t> decode_utf8(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return {lead, 1};
  std::size_t length = 0;
  char32_t code = 0;
  char32_t minimum = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, code = lead & 0x1F, minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, code = lead & 0x0F, minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, code = lead & 0x07, minimum = 0x10000;
  } else {
    return {kReplacement, 1};
  }
  if (i + length > text.size()) return {kReplacement, 1};
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return {kReplacement, 1};
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return {kReplacement, 1};
  return {code, length};
}

void append_utf8(std::string& out, char32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

// Helvetica advance widths (1/1000 em) of ASCII 32..126; Arial and
// Liberation Sans share them.
constexpr std::array<std::uint16_t, 95> kHelvetica = {
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333,  278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667,  611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278,  556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500,  500, 334, 260, 334, 584};

bool is_wide(char32_t code) {
  return (code >= 0x1100 && code <= 0x115F) || (code >= 0x2E80 && code <= 0xA4CF) ||
         (code >= 0xAC00 && code <= 0xD7A3) || (code >= 0xF900 && code <= 0xFAFF) ||
         (code >= 0xFE30 && code <= 0xFE4F) || (code >= 0xFF00 && code <= 0xFF60) ||
         (code >= 0xFFE0 && code <= 0xFFE6) || (code >= 0x1F300 && code <= 0x1FAFF) || code >= 0x20000;
}

// Width of one code point in em.
double glyph_em(char32_t code) {
  if (code >= 32 && code <= 126) return kHelvetica[code - 32] / 1000.0;
  if (code < 32 || (code >= 0x300 && code <= 0x36F) || code == 0x200B) return 0;
  if (is_wide(code)) return 1.0;
  return 0.65;
}

// Generous: a browser without Helvetica or Arial falls back to a wider font
// (DejaVu Sans is about 10 % wider).
constexpr double kSafety = 1.15;

std::string sanitize_id(std::string_view id) {
  std::string out;
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    out += ok ? c : '_';
  }
  if (out.empty() || !((out[0] >= 'a' && out[0] <= 'z') || (out[0] >= 'A' && out[0] <= 'Z'))) out.insert(0, "f");
  return out;
}

std::string title_element(std::string_view tooltip) {
  if (tooltip.empty()) return {};
  return "<title>" + escape_text(tooltip) + "</title>";
}

std::string shape_path(Shape shape, double size) {
  const double r = size / 2;
  switch (shape) {
    case Shape::circle: return format("<circle r=\"{}\"/>", coordinate(r));
    case Shape::square: {
      const double s = r * 0.9;
      return format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>", coordinate(-s), coordinate(-s),
                    coordinate(2 * s), coordinate(2 * s));
    }
    case Shape::triangle: {
      const double s = r * 1.15;
      return format("<path d=\"M0 {}L{} {}L{} {}Z\"/>", coordinate(-s), coordinate(s), coordinate(s * 0.8),
                    coordinate(-s), coordinate(s * 0.8));
    }
    case Shape::triangle_down: {
      const double s = r * 1.15;
      return format("<path d=\"M0 {}L{} {}L{} {}Z\"/>", coordinate(s), coordinate(s), coordinate(-s * 0.8),
                    coordinate(-s), coordinate(-s * 0.8));
    }
    case Shape::diamond: {
      const double s = r * 1.2;
      return format("<path d=\"M0 {0}L{1} 0L0 {1}L{0} 0Z\"/>", coordinate(-s), coordinate(s));
    }
    case Shape::cross: {
      const double s = r * 0.85;
      return format("<path d=\"M{0} {0}L{1} {1}M{0} {1}L{1} {0}\" stroke-width=\"2.2\"/>", coordinate(-s),
                    coordinate(s));
    }
  }
  return {};
}

}  // namespace

// ---------------------------------------------------------------- text

std::string escape_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto [code, length] = decode_utf8(text, i);
    i += length;
    switch (code) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\t':
      case '\n':
      case '\r': out += ' '; break;
      default:
        if (code < 0x20 || code == 0x7F || code == 0xFFFE || code == 0xFFFF || (code >= 0x80 && code < 0xA0)) break;
        append_utf8(out, code);
    }
  }
  return out;
}

double text_width(std::string_view text, double font_size) {
  double em = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto [code, length] = decode_utf8(text, i);
    i += length;
    em += glyph_em(code);
  }
  return em * font_size * kSafety;
}

std::string fit_text(std::string_view text, double max_width, double font_size) {
  if (text_width(text, font_size) <= max_width) return std::string(text);
  const double budget = max_width / (font_size * kSafety) - glyph_em(0x2026);
  double em = 0;
  std::size_t end = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto [code, length] = decode_utf8(text, i);
    if (em + glyph_em(code) > budget) break;
    em += glyph_em(code);
    i += length;
    end = i;
  }
  std::string out(text.substr(0, end));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (budget < 0) return {};
  return out + std::string(kEllipsis);
}

std::vector<std::string> wrap_text(std::string_view text, double max_width, double font_size, std::size_t max_lines) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t space = text.find(' ', start);
    const std::size_t end = space == std::string_view::npos ? text.size() : space;
    if (end > start) words.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  std::vector<std::string> lines;
  if (max_lines == 0) return lines;
  std::string current;
  std::size_t w = 0;
  for (; w < words.size(); ++w) {
    const std::string candidate = current.empty() ? words[w] : current + " " + words[w];
    if (text_width(candidate, font_size) <= max_width) {
      current = candidate;
      continue;
    }
    if (current.empty()) {  // one word wider than a line
      lines.push_back(fit_text(words[w], max_width, font_size));
    } else {
      lines.push_back(current);
      current.clear();
      --w;
    }
    if (lines.size() == max_lines) break;
  }
  if (lines.size() < max_lines && !current.empty()) {
    lines.push_back(current);
    current.clear();
  } else if (lines.size() == max_lines && (w + 1 < words.size() || !current.empty())) {
    // More text than lines: end the last line with an ellipsis.
    std::string rest = lines.back();
    for (std::size_t k = w + 1; k < words.size(); ++k) rest += " " + words[k];
    lines.back() = fit_text(rest + " \xE2\x80\xA6", max_width, font_size);
    if (lines.back().size() < 3 || lines.back().substr(lines.back().size() - 3) != kEllipsis) {
      lines.back() = fit_text(lines.back() + std::string(kEllipsis), max_width, font_size);
    }
  }
  return lines;
}

std::string format_fixed(double value, int decimals) {
  if (!std::isfinite(value)) return "NA";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", std::clamp(decimals, 0, 12), value);
  std::string out = buffer;
  if (out.front() == '-' && out.find_first_not_of("-0.") == std::string::npos) out.erase(0, 1);
  return out;
}

std::string coordinate(double value) {
  std::string out = format_fixed(value, 2);
  if (out.find('.') != std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  if (out == "-0") out = "0";
  return out;
}

// ---------------------------------------------------------------- scales

std::vector<double> pretty(double lo, double hi, int n) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {};
  if (hi < lo) std::swap(lo, hi);
  // R 4.2 pretty.default: min.n = n %/% 3, shrink.sml = 0.75,
  // high.u.bias = 1.5, u5.bias = 0.5 + 1.5 * 1.5, f.min = 2^-20, no eps correction.
  const int min_n = n / 3;
  const double shrink = 0.75;
  const double h = 1.5;
  const double h5 = 0.5 + 1.5 * h;
  const double f_min = std::ldexp(1.0, -20);
  const double rounding_eps = 1e-10;
  const int ndiv = n;
  const double dx = hi - lo;
  double cell = 0;
  bool small = false;
  if (dx == 0 && hi == 0) {
    cell = 1;
    small = true;
  } else {
    cell = std::max(std::abs(lo), std::abs(hi));
    double u = 1 + ((h5 >= 1.5 * h + .5) ? 1 / (1 + h) : 1.5 / (1 + h5));
    u *= std::max(1, ndiv) * DBL_EPSILON;
    small = dx < cell * u * 3;
  }
  if (small) {
    if (cell > 10) cell = 9 + cell / 10;
    cell *= shrink;
    if (min_n > 1) cell /= min_n;
  } else {
    cell = dx;
    if (ndiv > 1) cell /= ndiv;
  }
  const double subsmall = f_min * DBL_MIN == 0 ? DBL_MIN : f_min * DBL_MIN;
  if (cell < subsmall) cell = subsmall;
  if (cell > DBL_MAX / 1.25) cell = DBL_MAX / 1.25;
  const double base = std::pow(10.0, std::floor(std::log10(cell)));
  double unit = base;
  if (2 * base - cell < h * (cell - unit)) {
    unit = 2 * base;
    if (5 * base - cell < h5 * (cell - unit)) {
      unit = 5 * base;
      if (10 * base - cell < h * (cell - unit)) unit = 10 * base;
    }
  }
  double ns = std::floor(lo / unit + rounding_eps);
  double nu = std::ceil(hi / unit - rounding_eps);
  while (ns * unit > lo + rounding_eps * unit) ns -= 1;
  while (nu * unit < hi - rounding_eps * unit) nu += 1;
  int k = static_cast<int>(0.5 + nu - ns);
  if (k < min_n) {
    k = min_n - k;
    // Whole halves, as R's pretty() splits them: the integer division is meant.
    const int half = k / 2;  // NOLINT(bugprone-integer-division)
    if (ns >= 0) {
      nu += half;
      ns -= half + k % 2;
    } else {
      ns -= half;
      nu += half + k % 2;
    }
    k = min_n;
  }
  // return_bounds: the result covers the original range.
  double first = ns * unit;
  double last = nu * unit;
  if (first > lo) first = lo;
  if (last < hi) last = hi;
  // seq.int(first, last, length.out = k + 1), which counts the first half
  // up from `first` and the second half down from `last`; then pretty's
  // zapping of values that are rounding noise around 0.
  if (k <= 0) return {first};
  const std::size_t count = static_cast<std::size_t>(k) + 1;
  std::vector<double> ticks(count);
  const double by = (last - first) / k;
  ticks.front() = first;
  ticks.back() = last;
  for (std::size_t i = 1; i + 1 < count; ++i) {
    ticks[i] = i < count / 2 ? first + static_cast<double>(i) * by : last - static_cast<double>(count - 1 - i) * by;
  }
  const double delta = (last - first) / k;
  for (double& t : ticks) {
    if (std::abs(t) < 1e-14 * delta) t = 0;
  }
  return ticks;
}

std::vector<double> log_ticks(double lo, double hi) {
  std::vector<double> ticks;
  if (!(lo > 0) || !(hi > 0) || !std::isfinite(lo) || !std::isfinite(hi)) return ticks;
  if (hi < lo) std::swap(lo, hi);
  const int first = static_cast<int>(std::floor(std::log10(lo)));
  const int last = static_cast<int>(std::ceil(std::log10(hi)));
  const bool fine = last - first <= 3;
  for (int e = first; e <= last; ++e) {
    const double power = std::pow(10.0, e);
    for (const double m : {1.0, 2.0, 5.0}) {
      if (m != 1.0 && !fine) continue;
      const double t = m * power;
      if (t >= lo * (1 - 1e-12) && t <= hi * (1 + 1e-12)) ticks.push_back(t);
    }
  }
  return ticks;
}

int tick_decimals(const std::vector<double>& ticks) {
  int decimals = 0;
  for (const double t : ticks) {
    if (!std::isfinite(t)) continue;
    int d = 0;
    while (d < 10) {
      const double scale = std::pow(10.0, d);
      if (std::abs(std::round(t * scale) / scale - t) <= 1e-9 * std::max(1.0, std::abs(t))) break;
      ++d;
    }
    decimals = std::max(decimals, d);
  }
  return decimals;
}

Scale::Scale(double domain_lo, double domain_hi, double range_lo, double range_hi, bool log)
    : domain_lo_(domain_lo), domain_hi_(domain_hi), range_lo_(range_lo), range_hi_(range_hi), log_(log) {}

Scale Scale::linear(double domain_lo, double domain_hi, double range_lo, double range_hi) {
  return {domain_lo, domain_hi, range_lo, range_hi, false};
}

Scale Scale::log10(double domain_lo, double domain_hi, double range_lo, double range_hi) {
  return {domain_lo, domain_hi, range_lo, range_hi, true};
}

Scale Scale::nice_linear(double lo, double hi, double range_lo, double range_hi, int n) {
  const std::vector<double> ticks = pretty(lo, hi, n);
  if (ticks.empty()) return linear(0, 1, range_lo, range_hi);
  return linear(ticks.front(), ticks.back(), range_lo, range_hi);
}

double Scale::operator()(double value) const {
  double t = 0.5;
  if (log_) {
    const double a = std::log10(domain_lo_);
    const double b = std::log10(domain_hi_);
    if (b != a) t = (std::log10(value) - a) / (b - a);
  } else if (domain_hi_ != domain_lo_) {
    t = (value - domain_lo_) / (domain_hi_ - domain_lo_);
  }
  return range_lo_ + t * (range_hi_ - range_lo_);
}

double Scale::clamped(double value) const {
  const double px = (*this)(value);
  return std::clamp(px, std::min(range_lo_, range_hi_), std::max(range_lo_, range_hi_));
}

std::vector<double> Scale::ticks(int n) const {
  if (log_) return log_ticks(domain_lo_, domain_hi_);
  std::vector<double> out;
  const double slack = 1e-9 * std::max(1.0, std::abs(domain_hi_ - domain_lo_));
  for (const double t : pretty(domain_lo_, domain_hi_, n)) {
    if (t >= domain_lo_ - slack && t <= domain_hi_ + slack) out.push_back(t);
  }
  return out;
}

BandScale::BandScale(std::size_t count, double range_lo, double range_hi, double padding)
    : count_(count), range_lo_(range_lo) {
  const double n = static_cast<double>(std::max<std::size_t>(count, 1));
  step_ = (range_hi - range_lo) / n;
  bandwidth_ = step_ * (1 - padding);
  padding_px_ = step_ * padding / 2;
}

double BandScale::start(std::size_t index) const {
  return range_lo_ + static_cast<double>(index) * step_ + padding_px_;
}

double BandScale::center(std::size_t index) const { return start(index) + bandwidth_ / 2; }

// ---------------------------------------------------------------- styles

Shape shape_for(std::size_t index) {
  constexpr std::array<Shape, 6> kShapes = {Shape::circle,  Shape::triangle,      Shape::square,
                                            Shape::diamond, Shape::triangle_down, Shape::cross};
  return kShapes[index % kShapes.size()];
}

Pattern pattern_for(std::size_t index) {
  constexpr std::array<Pattern, 4> kPatterns = {Pattern::solid, Pattern::hatch, Pattern::dots, Pattern::cross_hatch};
  return kPatterns[index % kPatterns.size()];
}

// ---------------------------------------------------------------- figure

Figure::Figure(FigureOptions options) : options_(std::move(options)), id_(sanitize_id(options_.id)) {}

std::string Figure::pattern_fill(std::string_view colour, Pattern pattern) {
  if (pattern == Pattern::solid) return std::string(colour);
  const std::string key = format("{}-{}", static_cast<int>(pattern), colour);
  std::size_t index = 0;
  while (index < pattern_ids_.size() && pattern_ids_[index] != key) ++index;
  const std::string pattern_id = format("{}-pattern-{}", id_, index);
  if (index == pattern_ids_.size()) {
    pattern_ids_.push_back(key);
    const std::string c = escape_text(colour);
    std::string body = format("<rect width=\"8\" height=\"8\" fill=\"{}\" fill-opacity=\"0.25\"/>", c);
    switch (pattern) {
      case Pattern::hatch:
        body += format("<path d=\"M0 8L8 0M-2 2L2 -2M6 10L10 6\" stroke=\"{}\" stroke-width=\"1.6\"/>", c);
        break;
      case Pattern::cross_hatch:
        body += format("<path d=\"M0 8L8 0M0 0L8 8\" stroke=\"{}\" stroke-width=\"1.2\"/>", c);
        break;
      case Pattern::dots: body += format("<circle cx=\"4\" cy=\"4\" r=\"1.6\" fill=\"{}\"/>", c); break;
      case Pattern::solid: break;
    }
    defs_ += format("<pattern id=\"{}\" patternUnits=\"userSpaceOnUse\" width=\"8\" height=\"8\">{}</pattern>",
                    pattern_id, body);
  }
  return format("url(#{})", pattern_id);
}

void Figure::mark_at(std::string& out, double x_px, double y_px, const MarkStyle& style,
                     std::string_view tooltip) const {
  const std::string colour = escape_text(style.colour);
  std::string paint;
  if (style.shape == Shape::cross) {
    paint = format(" fill=\"none\" stroke=\"{}\"", colour);
  } else if (style.hollow) {
    paint = format(" fill=\"#FFFFFF\" stroke=\"{}\" stroke-width=\"1.6\"", colour);
  } else {
    paint = format(" fill=\"{}\" stroke=\"#333333\" stroke-width=\"0.6\"", colour);
  }
  std::string css = "mark";
  if (!style.css_class.empty()) css += " " + escape_text(style.css_class);
  out += format("<g class=\"{}\" transform=\"translate({},{})\"{}>{}{}</g>", css, coordinate(x_px), coordinate(y_px),
                paint, shape_path(style.shape, style.size), title_element(tooltip));
}

void Figure::x_axis(std::string_view label, std::optional<std::vector<double>> ticks) {
  const Scale& scale = *x_;
  const std::vector<double> values = ticks ? *ticks : scale.ticks();
  const int decimals = tick_decimals(values);
  const double bottom = plot_bottom();
  const double spacing = values.size() > 1 ? std::abs(scale(values[1]) - scale(values[0])) : plot_right() - plot_left();
  axes_ += format("<line class=\"axis axis-x\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\"/>",
                  coordinate(plot_left()), coordinate(bottom), coordinate(plot_right()), coordinate(bottom), kInk);
  for (const double t : values) {
    const double px = scale(t);
    // On a log axis each tick has the decimals it needs (0.01, 0.1, 1, 10).
    const std::string value = format_fixed(t, scale.is_log() ? tick_decimals({t}) : decimals);
    grid_ += format("<line class=\"grid grid-x\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"{3}\"/>",
                    coordinate(px), coordinate(plot_top()), coordinate(bottom), kGrid);
    axes_ += format(
        "<line class=\"tick tick-x\" data-value=\"{0}\" x1=\"{1}\" y1=\"{2}\" x2=\"{1}\" y2=\"{3}\" stroke=\"{4}\"/>",
        value, coordinate(px), coordinate(bottom), coordinate(bottom + 5), kInk);
    axes_ += format("<text class=\"tick-label tick-label-x\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                    coordinate(px), coordinate(bottom + 18),
                    escape_text(fit_text(value, std::max(spacing - 2, 12.0), options_.font_size)));
  }
  axis_label_x(label);
}

void Figure::y_axis(std::string_view label, std::optional<std::vector<double>> ticks) {
  const Scale& scale = *y_;
  const std::vector<double> values = ticks ? *ticks : scale.ticks();
  const int decimals = tick_decimals(values);
  const double left = plot_left();
  axes_ += format("<line class=\"axis axis-y\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"{3}\"/>",
                  coordinate(left), coordinate(plot_top()), coordinate(plot_bottom()), kInk);
  for (const double t : values) {
    const double py = scale(t);
    const std::string value = format_fixed(t, decimals);
    grid_ += format("<line class=\"grid grid-y\" x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"{3}\"/>",
                    coordinate(left), coordinate(py), coordinate(plot_right()), kGrid);
    axes_ += format(
        "<line class=\"tick tick-y\" data-value=\"{0}\" x1=\"{1}\" y1=\"{2}\" x2=\"{3}\" y2=\"{2}\" stroke=\"{4}\"/>",
        value, coordinate(left - 5), coordinate(py), coordinate(left), kInk);
    axes_ += format("<text class=\"tick-label tick-label-y\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                    coordinate(left - 8), coordinate(py + options_.font_size * 0.35),
                    escape_text(fit_text(value, std::max(options_.margin_left - 30, 12.0), options_.font_size)));
  }
  axis_label_y(label);
}

void Figure::axis_label_x(std::string_view label) {
  if (label.empty()) return;
  const double center = (plot_left() + plot_right()) / 2;
  axes_ += format("<text class=\"axis-label axis-label-x\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                  coordinate(center), coordinate(plot_bottom() + 38),
                  escape_text(fit_text(label, plot_right() - plot_left(), options_.font_size)));
}

void Figure::axis_label_y(std::string_view label) {
  if (label.empty()) return;
  const double center = (plot_top() + plot_bottom()) / 2;
  axes_ += format(
      "<text class=\"axis-label axis-label-y\" x=\"{0}\" y=\"{1}\" text-anchor=\"middle\" "
      "transform=\"rotate(-90 {0} {1})\">{2}</text>",
      coordinate(options_.font_size + 2), coordinate(center),
      escape_text(fit_text(label, plot_bottom() - plot_top(), options_.font_size)));
}

void Figure::x_axis_bands(const BandScale& bands, const std::vector<std::string>& labels, std::string_view label) {
  const double bottom = plot_bottom();
  axes_ += format("<line class=\"axis axis-x\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\"/>",
                  coordinate(plot_left()), coordinate(bottom), coordinate(plot_right()), coordinate(bottom), kInk);
  for (std::size_t i = 0; i < labels.size() && i < bands.count(); ++i) {
    const std::vector<std::string> lines = wrap_text(labels[i], bands.step() - 4, options_.font_size, 2);
    std::string spans;
    for (std::size_t l = 0; l < lines.size(); ++l) {
      spans += format("<tspan x=\"{}\" dy=\"{}\">{}</tspan>", coordinate(bands.center(i)),
                      l == 0 ? "0" : coordinate(options_.font_size * 1.1), escape_text(lines[l]));
    }
    axes_ += format("<text class=\"tick-label tick-label-x\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                    coordinate(bands.center(i)), coordinate(bottom + 16), spans);
  }
  if (!label.empty()) {
    const double center = (plot_left() + plot_right()) / 2;
    axes_ += format("<text class=\"axis-label axis-label-x\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                    coordinate(center), coordinate(plot_bottom() + 44),
                    escape_text(fit_text(label, plot_right() - plot_left(), options_.font_size)));
  }
}

void Figure::y_axis_bands(const BandScale& bands, const std::vector<std::string>& labels) {
  for (std::size_t i = 0; i < labels.size() && i < bands.count(); ++i) {
    axes_ += format("<text class=\"tick-label tick-label-y\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                    coordinate(plot_left() - 8), coordinate(bands.center(i) + options_.font_size * 0.35),
                    escape_text(fit_text(labels[i], options_.margin_left - 12, options_.font_size)));
  }
}

void Figure::point(double x, double y, const MarkStyle& style, std::string_view tooltip) {
  if (!std::isfinite(x) || !std::isfinite(y)) return;
  mark_at(marks_, (*x_)(x), (*y_)(y), style, tooltip);
}

void Figure::point_px_x(double x_px, double y, const MarkStyle& style, std::string_view tooltip) {
  if (!std::isfinite(y)) return;
  mark_at(marks_, x_px, (*y_)(y), style, tooltip);
}

namespace {
std::string stroke_attributes(const LineStyle& style) {
  std::string out = format(" stroke=\"{}\" stroke-width=\"{}\"", escape_text(style.colour), coordinate(style.width));
  if (style.dashed) out += " stroke-dasharray=\"6 4\"";
  return out;
}
std::string class_attribute(std::string_view base, std::string_view extra) {
  std::string css(base);
  if (!extra.empty()) css += " " + escape_text(extra);
  return format(" class=\"{}\"", css);
}
}  // namespace

void Figure::line(double x1, double y1, double x2, double y2, const LineStyle& style) {
  if (!std::isfinite(x1) || !std::isfinite(y1) || !std::isfinite(x2) || !std::isfinite(y2)) return;
  marks_ += format("<line{} x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"{}/>", class_attribute("line", style.css_class),
                   coordinate((*x_)(x1)), coordinate((*y_)(y1)), coordinate((*x_)(x2)), coordinate((*y_)(y2)),
                   stroke_attributes(style));
}

void Figure::polyline(const std::vector<std::pair<double, double>>& points, const LineStyle& style,
                      std::string_view tooltip) {
  std::string coords;
  for (const auto& [x, y] : points) {
    if (!std::isfinite(x) || !std::isfinite(y)) continue;
    if (!coords.empty()) coords += ' ';
    coords += coordinate((*x_)(x)) + "," + coordinate((*y_)(y));
  }
  if (coords.empty()) return;
  marks_ += format("<polyline{} points=\"{}\" fill=\"none\"{}>{}</polyline>", class_attribute("line", style.css_class),
                   coords, stroke_attributes(style), title_element(tooltip));
}

void Figure::polygon(const std::vector<std::pair<double, double>>& points, const AreaStyle& style,
                     std::string_view tooltip) {
  std::string coords;
  for (const auto& [x, y] : points) {
    if (!std::isfinite(x) || !std::isfinite(y)) return;
    if (!coords.empty()) coords += ' ';
    coords += coordinate((*x_)(x)) + "," + coordinate((*y_)(y));
  }
  const std::string fill = pattern_fill(style.colour, style.pattern);
  std::string stroke = style.stroke.empty() ? std::string() : format(" stroke=\"{}\"", escape_text(style.stroke));
  background_ += format("<polygon{} points=\"{}\" fill=\"{}\" fill-opacity=\"{}\"{}>{}</polygon>",
                        class_attribute("area", style.css_class), coords, escape_text(fill), coordinate(style.opacity),
                        stroke, title_element(tooltip));
}

void Figure::rect(double x0, double x1, double y0, double y1, const AreaStyle& style, std::string_view tooltip) {
  if (!std::isfinite(x0) || !std::isfinite(x1) || !std::isfinite(y0) || !std::isfinite(y1)) return;
  const double px0 = (*x_)(x0);
  const double px1 = (*x_)(x1);
  const double py0 = (*y_)(y0);
  const double py1 = (*y_)(y1);
  const std::string fill = pattern_fill(style.colour, style.pattern);
  std::string stroke = style.stroke.empty() ? std::string() : format(" stroke=\"{}\"", escape_text(style.stroke));
  marks_ += format("<rect{} x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" fill-opacity=\"{}\"{}>{}</rect>",
                   class_attribute("bar", style.css_class), coordinate(std::min(px0, px1)),
                   coordinate(std::min(py0, py1)), coordinate(std::abs(px1 - px0)), coordinate(std::abs(py1 - py0)),
                   escape_text(fill), coordinate(style.opacity), stroke, title_element(tooltip));
}

void Figure::band_x(double x0, double x1, const AreaStyle& style, std::string_view label) {
  if (!std::isfinite(x0) || !std::isfinite(x1)) return;
  const double px0 = x_->clamped(x0);
  const double px1 = x_->clamped(x1);
  const double left = std::min(px0, px1);
  const double width = std::abs(px1 - px0);
  const std::string fill = pattern_fill(style.colour, style.pattern);
  background_ += format(
      "<rect{} x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" fill-opacity=\"{}\">{}</rect>",
      class_attribute("band", style.css_class), coordinate(left), coordinate(plot_top()), coordinate(width),
      coordinate(plot_bottom() - plot_top()), escape_text(fill), coordinate(style.opacity), title_element(label));
  if (!label.empty() && width >= 20) {
    const double size = options_.font_size * 0.9;
    background_ += format(
        "<text class=\"band-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{}\" fill=\"{}\">{}</text>",
        coordinate(left + width / 2), coordinate(plot_top() + size + 2), coordinate(size), kMuted,
        escape_text(fit_text(label, width - 4, size)));
  }
}

void Figure::error_bar_x(double y_px, double x_lo, double x_hi, const LineStyle& style, double cap_px,
                         std::string_view tooltip) {
  if (!std::isfinite(x_lo) || !std::isfinite(x_hi)) return;
  const std::string a = coordinate((*x_)(x_lo));
  const std::string b = coordinate((*x_)(x_hi));
  const std::string y = coordinate(y_px);
  const std::string top = coordinate(y_px - cap_px);
  const std::string bottom = coordinate(y_px + cap_px);
  marks_ += format("<path{} d=\"M{} {}H{}M{} {}V{}M{} {}V{}\" fill=\"none\"{}>{}</path>",
                   class_attribute("interval", style.css_class), a, y, b, a, top, bottom, b, top, bottom,
                   stroke_attributes(style), title_element(tooltip));
}

void Figure::error_bar_y(double x_px, double y_lo, double y_hi, const LineStyle& style, double cap_px,
                         std::string_view tooltip) {
  if (!std::isfinite(y_lo) || !std::isfinite(y_hi)) return;
  const std::string a = coordinate((*y_)(y_lo));
  const std::string b = coordinate((*y_)(y_hi));
  const std::string x = coordinate(x_px);
  const std::string left = coordinate(x_px - cap_px);
  const std::string right = coordinate(x_px + cap_px);
  marks_ += format("<path{} d=\"M{} {}V{}M{} {}H{}M{} {}H{}\" fill=\"none\"{}>{}</path>",
                   class_attribute("interval", style.css_class), x, a, b, left, a, right, left, b, right,
                   stroke_attributes(style), title_element(tooltip));
}

void Figure::box_plot(double x_px, double width_px, double q1, double median, double q3, double whisker_lo,
                      double whisker_hi, const AreaStyle& style, std::string_view tooltip) {
  if (!std::isfinite(q1) || !std::isfinite(median) || !std::isfinite(q3)) return;
  const double left = x_px - width_px / 2;
  const double top = (*y_)(std::max(q1, q3));
  const double bottom = (*y_)(std::min(q1, q3));
  const double mid = (*y_)(median);
  const std::string fill = pattern_fill(style.colour, style.pattern);
  std::string out = format("<g{}>{}", class_attribute("box", style.css_class), title_element(tooltip));
  const std::string stroke = style.stroke.empty() ? std::string(kInk) : escape_text(style.stroke);
  const auto whisker = [&](double from_px, double value) {
    if (!std::isfinite(value)) return;
    const double to = (*y_)(value);
    out += format("<path class=\"whisker\" d=\"M{0} {1}V{2}M{3} {2}H{4}\" stroke=\"{5}\" fill=\"none\"/>",
                  coordinate(x_px), coordinate(from_px), coordinate(to), coordinate(x_px - width_px / 4),
                  coordinate(x_px + width_px / 4), stroke);
  };
  whisker(top, whisker_hi);
  whisker(bottom, whisker_lo);
  out += format(
      "<rect class=\"box-body\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" fill-opacity=\"{}\" "
      "stroke=\"{}\"/>",
      coordinate(left), coordinate(top), coordinate(width_px), coordinate(bottom - top), escape_text(fill),
      coordinate(style.opacity), stroke);
  out += format("<line class=\"median\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"2.5\"/>",
                coordinate(left), coordinate(mid), coordinate(left + width_px), coordinate(mid), stroke);
  out += "</g>";
  marks_ += out;
}

void Figure::diverging_bar(double y_px, double height_px, const std::vector<BarSegment>& segments,
                           std::optional<std::size_t> neutral, std::size_t split) {
  double left_extent = 0;
  const std::size_t before = neutral ? *neutral : split;
  for (std::size_t i = 0; i < before && i < segments.size(); ++i) left_extent += segments[i].share;
  if (neutral && *neutral < segments.size()) left_extent += segments[*neutral].share / 2;
  double at = -left_extent;
  for (const BarSegment& segment : segments) {
    const double from = at;
    at += segment.share;
    if (!(segment.share > 0)) continue;
    const double px0 = (*x_)(from);
    const double px1 = (*x_)(at);
    marks_ += format(
        "<rect class=\"segment\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"#FFFFFF\" "
        "stroke-width=\"0.5\">{}</rect>",
        coordinate(px0), coordinate(y_px), coordinate(px1 - px0), coordinate(height_px), escape_text(segment.colour),
        title_element(segment.label));
  }
}

DensitySummary Figure::density(const std::vector<double>& xs, const std::vector<double>& ys, std::size_t bins_x,
                               std::size_t bins_y) {
  DensitySummary summary{.bins_x = std::max<std::size_t>(bins_x, 1), .bins_y = std::max<std::size_t>(bins_y, 1)};
  std::vector<std::size_t> counts(summary.bins_x * summary.bins_y, 0);
  const double width = plot_right() - plot_left();
  const double height = plot_bottom() - plot_top();
  const double cell_w = width / static_cast<double>(summary.bins_x);
  const double cell_h = height / static_cast<double>(summary.bins_y);
  const std::size_t n = std::min(xs.size(), ys.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(xs[i]) || !std::isfinite(ys[i])) continue;
    const double px = x_->clamped(xs[i]) - plot_left();
    const double py = y_->clamped(ys[i]) - plot_top();
    const auto bx = std::min(static_cast<std::size_t>(std::max(px, 0.0) / cell_w), summary.bins_x - 1);
    const auto by = std::min(static_cast<std::size_t>(std::max(py, 0.0) / cell_h), summary.bins_y - 1);
    ++counts[by * summary.bins_x + bx];
    ++summary.points;
  }
  summary.max_count = counts.empty() ? 0 : *std::max_element(counts.begin(), counts.end());
  for (std::size_t by = 0; by < summary.bins_y; ++by) {
    for (std::size_t bx = 0; bx < summary.bins_x; ++bx) {
      const std::size_t count = counts[by * summary.bins_x + bx];
      if (count == 0) continue;
      const std::size_t shade = std::min<std::size_t>(
          kSequential.size() - 1, (count * kSequential.size() - 1) / std::max<std::size_t>(summary.max_count, 1));
      marks_ += format(
          "<rect class=\"density-cell\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" "
          "fill=\"{}\"><title>{}</title></rect>",
          coordinate(plot_left() + static_cast<double>(bx) * cell_w),
          coordinate(plot_top() + static_cast<double>(by) * cell_h), coordinate(cell_w), coordinate(cell_h),
          kSequential[shade], count);
    }
  }
  return summary;
}

std::vector<LegendEntry> Figure::density_key(const DensitySummary& summary) {
  std::vector<LegendEntry> entries;
  const std::size_t shades = kSequential.size();
  std::size_t previous = 0;
  for (std::size_t s = 0; s < shades; ++s) {
    // Counts c with (c * shades - 1) / max == s.
    const std::size_t upper = std::min(summary.max_count, ((s + 1) * summary.max_count) / shades);
    const std::size_t lower = previous + 1;
    if (upper < lower) continue;
    previous = upper;
    entries.push_back({.label = lower == upper ? format("{}", lower) : format("{}\xE2\x80\x93{}", lower, upper),
                       .colour = std::string(kSequential[s]),
                       .kind = LegendEntry::Kind::area});
  }
  return entries;
}

void Figure::text(double x_px, double y_px, std::string_view text, std::string_view anchor, double max_width,
                  std::string_view css_class) {
  const std::string fitted = max_width > 0 ? fit_text(text, max_width, options_.font_size) : std::string(text);
  std::string_view safe_anchor = anchor == "middle" || anchor == "end" ? anchor : "start";
  marks_ += format("<text{} x=\"{}\" y=\"{}\" text-anchor=\"{}\">{}</text>", class_attribute("label", css_class),
                   coordinate(x_px), coordinate(y_px), safe_anchor, escape_text(fitted));
}

void Figure::legend(const std::vector<LegendEntry>& entries) {
  const double size = options_.font_size;
  const double row_height = size + 8;
  const double swatch = 12;
  const double available = options_.width - 16;
  double x = 8;
  double y = options_.height + extra_height_ + 4;
  std::size_t rows = entries.empty() ? 0 : 1;
  std::string out;
  for (const LegendEntry& entry : entries) {
    const std::string label = fit_text(entry.label, available - swatch - 6, size);
    const double width = swatch + 5 + text_width(label, size) + 16;
    if (x + width > options_.width - 8 && x > 8) {
      x = 8;
      y += row_height;
      ++rows;
    }
    const double middle = y + row_height / 2;
    const std::string colour = escape_text(entry.colour);
    switch (entry.kind) {
      case LegendEntry::Kind::mark: {
        MarkStyle style;
        style.colour = entry.colour;
        style.shape = entry.shape;
        style.size = 9;
        style.hollow = entry.hollow;
        mark_at(out, x + swatch / 2, middle, style, {});
        break;
      }
      case LegendEntry::Kind::area: {
        const std::string fill = pattern_fill(entry.colour, entry.pattern);
        out +=
            format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"{}\"/>", coordinate(x),
                   coordinate(middle - swatch / 2), coordinate(swatch), coordinate(swatch), escape_text(fill), colour);
        break;
      }
      case LegendEntry::Kind::line:
        out += format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"2\"{}/>",
                      coordinate(x), coordinate(middle), coordinate(x + swatch), coordinate(middle), colour,
                      entry.dashed ? " stroke-dasharray=\"4 2\"" : "");
        break;
    }
    out += format("<text class=\"legend-label\" x=\"{}\" y=\"{}\">{}</text>", coordinate(x + swatch + 5),
                  coordinate(middle + size * 0.35), escape_text(label));
    x += width;
  }
  legend_ += out;
  extra_height_ += static_cast<double>(rows) * row_height + (rows > 0 ? 8 : 0);
}

std::string Figure::render() const {
  const double height = options_.height + extra_height_;
  const double left = plot_left();
  const double top = plot_top();
  const double width = plot_right() - plot_left();
  const double plot_height = plot_bottom() - plot_top();
  constexpr double kMarkBleed = 8;  // marks on the edge of the domain stay whole
  std::string out = format(
      "<svg class=\"figure\" id=\"{0}\" viewBox=\"0 0 {1} {2}\" width=\"{1}\" height=\"{2}\" role=\"img\" "
      "aria-labelledby=\"{0}-title {0}-desc\" font-family=\"Helvetica, Arial, 'Liberation Sans', sans-serif\" "
      "font-size=\"{3}\" fill=\"{4}\">",
      id_, coordinate(options_.width), coordinate(height), coordinate(options_.font_size), kInk);
  out += format("<title id=\"{}-title\">{}</title>", id_, escape_text(options_.title));
  out += format("<desc id=\"{}-desc\">{}</desc>", id_, escape_text(options_.description));
  out += format(
      "<defs><clipPath id=\"{0}-clip\"><rect x=\"{1}\" y=\"{2}\" width=\"{3}\" height=\"{4}\"/></clipPath>"
      "<clipPath id=\"{0}-clip-marks\"><rect x=\"{5}\" y=\"{6}\" width=\"{7}\" height=\"{8}\"/></clipPath>{9}</defs>",
      id_, coordinate(left), coordinate(top), coordinate(width), coordinate(plot_height), coordinate(left - kMarkBleed),
      coordinate(top - kMarkBleed), coordinate(width + 2 * kMarkBleed), coordinate(plot_height + 2 * kMarkBleed),
      defs_);
  out += format("<g class=\"background\" clip-path=\"url(#{}-clip)\">{}</g>", id_, background_);
  out += format("<g class=\"grid\">{}</g>", grid_);
  out += format("<g class=\"marks\" clip-path=\"url(#{}-clip-marks)\">{}</g>", id_, marks_);
  out += format("<g class=\"axes\">{}</g>", axes_);
  if (!legend_.empty()) out += format("<g class=\"legend\">{}</g>", legend_);
  out += "</svg>";
  return out;
}

}  // namespace psyscore::detail::svg
