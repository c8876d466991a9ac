#include "scoring/encode/report_format.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "scoring/encode/svg_plot.hpp"

namespace psyscore::detail {

int score_decimals(const Subscale& subscale) { return subscale.method == ScoringMethod::mean ? 2 : 1; }

std::string format_number(std::optional<double> value, int decimals, std::string_view missing) {
  if (!value || !std::isfinite(*value)) return std::string(missing);
  return svg::format_fixed(*value, decimals);
}

std::string format_score(std::optional<double> value, const Subscale& subscale, std::string_view missing) {
  return format_number(value, score_decimals(subscale), missing);
}

std::string format_statistic(std::optional<double> value, std::string_view missing) {
  return format_number(value, 2, missing);
}

std::string format_p(std::optional<double> value, std::string_view missing) {
  if (!value || !std::isfinite(*value)) return std::string(missing);
  if (*value < 0.001) return "< 0.001";
  return svg::format_fixed(*value, 3);
}

std::string p_equals(std::optional<double> value) {
  const std::string p = format_p(value);
  return p.starts_with('<') ? "p " + p : "p = " + p;
}

std::string format_ratio(std::optional<double> value, std::string_view missing) {
  if (!value || std::isnan(*value) || *value < 0) return std::string(missing);
  if (*value > 1e6) return "> 1,000,000";
  if (*value < 1e-4) return "< 0.0001";
  if (*value >= 1) return svg::format_fixed(*value, 2);
  // Two significant digits: 0.45, 0.045, 0.0012.
  const int decimals = std::max(2, 1 - static_cast<int>(std::floor(std::log10(*value))));
  return svg::format_fixed(*value, decimals);
}

std::string format_df(std::optional<double> value, std::string_view missing) {
  if (!value || !std::isfinite(*value)) return std::string(missing);
  if (std::abs(*value - std::round(*value)) < 1e-9) return svg::format_fixed(*value, 0);
  return svg::format_fixed(*value, 1);
}

std::string format_percent(double share, std::string_view missing) {
  if (!std::isfinite(share)) return std::string(missing);
  return svg::format_fixed(100 * share, 0) + " %";
}

std::pair<double, double> score_range(const Instrument& instrument, const Subscale& subscale) {
  if (subscale.method == ScoringMethod::pomp) return {0, 100};
  double lo = 0;
  double hi = 0;
  for (const std::size_t item : subscale.items) {
    lo += instrument.items[item].scale.min;
    hi += instrument.items[item].scale.max;
  }
  if (subscale.method == ScoringMethod::mean && !subscale.items.empty()) {
    lo /= static_cast<double>(subscale.items.size());
    hi /= static_cast<double>(subscale.items.size());
  }
  return {lo, hi};
}

}  // namespace psyscore::detail
