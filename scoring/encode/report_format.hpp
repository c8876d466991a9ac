// How the report and the terminal tables (--format table) round numbers, so
// both say the same thing. Private to the engine.
//
// Scores: 1 decimal on sum and POMP scales, 2 on mean scales. Statistics that
// live on a 0..1 or -1..1 scale (alpha, correlations) and test statistics and
// effect sizes: 2 decimals. p values: 3 decimals, "< 0.001" below that.
// Degrees of freedom: whole numbers as such, others 1 decimal. An undefined
// value is written as `missing`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "psyscore/instrument.hpp"

namespace psyscore::detail {

inline constexpr std::string_view kNotAvailable = "NA";

// A statistic as an optional: NaN, infinities and nullopt are undefined.
// (Result structs use either NaN or std::optional for an undefined value.)
inline std::optional<double> value_of(double value) {
  if (value != value || value - value != 0) return std::nullopt;
  return value;
}
inline std::optional<double> value_of(std::optional<double> value) { return value ? value_of(*value) : value; }

// Decimals for scores of `subscale`.
int score_decimals(const Subscale& subscale);

std::string format_number(std::optional<double> value, int decimals, std::string_view missing = kNotAvailable);
std::string format_score(std::optional<double> value, const Subscale& subscale,
                         std::string_view missing = kNotAvailable);
std::string format_statistic(std::optional<double> value, std::string_view missing = kNotAvailable);
std::string format_p(std::optional<double> value, std::string_view missing = kNotAvailable);
// "p = 0.012", "p < 0.001" or "p = NA", for sentences.
std::string p_equals(std::optional<double> value);
// An odds ratio or another ratio: 2 decimals from 1 up, 2 significant digits
// below 1 ("0.045"), "> 1,000,000" (infinity too) and "< 0.0001" beyond those.
std::string format_ratio(std::optional<double> value, std::string_view missing = kNotAvailable);
std::string format_df(std::optional<double> value, std::string_view missing = kNotAvailable);
// "12 %" style share of a count, 0 decimals.
std::string format_percent(double share, std::string_view missing = kNotAvailable);

// The lowest and highest possible score of `subscale` (sum, mean or POMP of
// its items' scales).
std::pair<double, double> score_range(const Instrument& instrument, const Subscale& subscale);

}  // namespace psyscore::detail
