#include "scoring/stats/answer_counts.hpp"

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace psyscore::detail {
namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

TEST(ScalePoints, EveryStepOfTheScale) {
  struct Case {
    std::string name;
    double min, max, step;
    std::vector<double> expected;
  };
  const std::vector<Case> cases = {
      {"agreement 1..5", 1, 5, 1, {1, 2, 3, 4, 5}},
      {"MBI 0..6", 0, 6, 1, {0, 1, 2, 3, 4, 5, 6}},
      {"CBI 0..100 by 25", 0, 100, 25, {0, 25, 50, 75, 100}},
      {"half points", 1, 3, 0.5, {1, 1.5, 2, 2.5, 3}},
      {"tenths do not drift",
       0,
       1,
       0.1,
       {0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6000000000000001, 0.7000000000000001, 0.8, 0.9, 1}},
      {"one point", 3, 3, 1, {3}},
      {"min above max", 5, 1, 1, {}},
      {"zero step", 1, 5, 0, {}},
  };
  for (const Case& c : cases) {
    const std::vector<double> points = scale_points(c.min, c.max, c.step);
    ASSERT_EQ(points.size(), c.expected.size()) << c.name;
    for (std::size_t j = 0; j < points.size(); ++j)
      EXPECT_DOUBLE_EQ(points[j], c.expected[j]) << c.name << " [" << j << "]";
  }
}

TEST(CountAnswers, CountsEachPointAndTheMissing) {
  struct Case {
    std::string name;
    std::vector<double> answers;
    double min, step;
    std::size_t points;
    std::vector<std::size_t> counts;
    std::size_t missing;
  };
  const std::vector<Case> cases = {
      {"five-point answers with gaps", {1, 5, 5, kMissing, 4, 1, 5}, 1, 1, 5, {2, 0, 0, 1, 3}, 1},
      {"every answer the same", {1, 1, 1, 1}, 1, 1, 5, {4, 0, 0, 0, 0}, 0},
      {"nothing answered", {kMissing, kMissing}, 1, 1, 5, {0, 0, 0, 0, 0}, 2},
      {"no respondents", {}, 1, 1, 5, {0, 0, 0, 0, 0}, 0},
      {"CBI steps of 25", {0, 25, 100, 75, 75, kMissing}, 0, 25, 5, {1, 1, 0, 2, 1}, 1},
      {"tenths computed another way", {0.1 + 0.2, 0.3, 1.0}, 0, 0.1, 11, {0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 1}, 0},
  };
  for (const Case& c : cases) {
    const AnswerCounts result = count_answers(c.answers, c.min, c.step, c.points);
    EXPECT_EQ(result.counts, c.counts) << c.name;
    EXPECT_EQ(result.missing, c.missing) << c.name;
    std::size_t answered = 0;
    for (const std::size_t count : c.counts) answered += count;
    EXPECT_EQ(result.answered, answered) << c.name;
  }
}

}  // namespace
}  // namespace psyscore::detail
