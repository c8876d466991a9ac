// How psyscore reports a number that the data do not define.
//
// A variance of one value, a test without pairs, an alpha without variance:
// every public result holds such a number as an empty `Statistic`, never as
// NaN or infinity, and the JSON encoders write it as null. A Statistic built
// from a double that is not finite is empty, so a NaN computed inside the
// engine cannot reach a result as a number.
//
//   psyscore::Statistic alpha = raw_alpha;  // empty if raw_alpha is NaN
//   if (alpha) use(*alpha);
#pragma once

#include <cmath>
#include <optional>

namespace psyscore {

class Statistic : public std::optional<double> {
 public:
  Statistic() = default;
  Statistic(std::nullopt_t) {}
  // Empty when `value` is NaN or infinite.
  Statistic(double value) {
    if (std::isfinite(value)) emplace(value);
  }
  Statistic(std::optional<double> value) {
    if (value && std::isfinite(*value)) emplace(*value);
  }

  // Equal when both are empty or both hold the same number. (Spelled out:
  // std::optional's comparison templates are ambiguous for a derived class.)
  friend bool operator==(const Statistic& a, const Statistic& b) {
    return a.has_value() == b.has_value() && (!a || *a == *b);
  }
  friend bool operator==(const Statistic& a, double b) { return a && *a == b; }
};

}  // namespace psyscore
