// How often each point of an answer scale was chosen: the frequency table a
// survey reports for each statement (and the Likert plot draws). Private to
// the engine.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace psyscore::detail {

// The points of a scale from `min` to `max` by `step`, ascending: min + j * step
// for j = 0 .. round((max - min) / step). Empty unless min <= max and step > 0.
std::vector<double> scale_points(double min, double max, double step);

struct AnswerCounts {
  std::vector<std::size_t> counts;  // one per scale point, in the order of scale_points()
  std::size_t missing = 0;          // NaN answers
  std::size_t answered = 0;         // the sum of counts
};

// Counts the answers (NaN = missing) on the scale min, min + step, ... with
// `points` points. An answer is counted at the nearest point, so answers
// validated on the grid (Scale::on_grid) land on their own point; an answer
// off the scale is clamped to its end (callers pass validated answers only).
AnswerCounts count_answers(std::span<const double> answers, double min, double step, std::size_t points);

}  // namespace psyscore::detail
