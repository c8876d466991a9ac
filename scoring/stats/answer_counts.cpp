#include "scoring/stats/answer_counts.hpp"

#include <algorithm>
#include <cmath>

namespace psyscore::detail {

std::vector<double> scale_points(double min, double max, double step) {
  std::vector<double> points;
  if (!(min <= max) || !(step > 0) || !std::isfinite(min) || !std::isfinite(max)) return points;
  const double last = std::round((max - min) / step);
  for (double j = 0; j <= last; ++j) points.push_back(min + j * step);
  return points;
}

AnswerCounts count_answers(std::span<const double> answers, double min, double step, std::size_t points) {
  AnswerCounts result;
  result.counts.assign(points, 0);
  for (const double x : answers) {
    if (std::isnan(x)) {
      ++result.missing;
      continue;
    }
    if (points == 0) continue;
    const double j = std::round((x - min) / step);
    const std::size_t index = j <= 0 ? 0 : std::min(static_cast<std::size_t>(j), points - 1);
    ++result.counts[index];
    ++result.answered;
  }
  return result;
}

}  // namespace psyscore::detail
