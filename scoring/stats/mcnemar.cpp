#include "scoring/stats/mcnemar.hpp"

#include <cmath>
#include <limits>

#include <boost/math/distributions/chi_squared.hpp>

#include "scoring/util/math_policy.hpp"

namespace psyscore::detail {

SymmetryTest mcnemar_bowker(const std::vector<std::vector<std::size_t>>& table) {
  SymmetryTest test;
  const std::size_t r = table.size();
  bool asymmetric = false;
  for (std::size_t i = 0; i < r; ++i) {
    for (std::size_t j = i + 1; j < r; ++j) asymmetric = asymmetric || table[i][j] != table[j][i];
  }
  // R corrects only a 2 x 2 table with b != c; with b = c it reports 0, p 1.
  test.continuity_corrected = r == 2 && asymmetric;

  double statistic = 0;
  for (std::size_t i = 0; i < r; ++i) {
    for (std::size_t j = i + 1; j < r; ++j) {
      const auto upper = static_cast<double>(table[i][j]);
      const auto lower = static_cast<double>(table[j][i]);
      if (upper + lower == 0) {
        test.dropped_pairs.emplace_back(i, j);
        continue;
      }
      const double difference = test.continuity_corrected ? std::abs(upper - lower) - 1 : upper - lower;
      statistic += difference * difference / (upper + lower);
      ++test.df;
    }
  }
  if (test.df == 0) {
    test.statistic = std::numeric_limits<double>::quiet_NaN();
    test.p = std::numeric_limits<double>::quiet_NaN();
    return test;
  }
  test.statistic = statistic;
  const boost::math::chi_squared_distribution<double, MathPolicy> chi_squared(static_cast<double>(test.df));
  test.p = boost::math::cdf(boost::math::complement(chi_squared, statistic));
  return test;
}

}  // namespace psyscore::detail
