#include "scoring/analysis/item_answers.hpp"

#include "scoring/stats/answer_counts.hpp"
#include "scoring/stats/descriptives.hpp"

namespace psyscore::detail {

std::vector<double> item_column(const ResponseMatrix& responses, std::size_t item, std::span<const std::size_t> rows) {
  std::vector<double> column;
  column.reserve(rows.size());
  for (const std::size_t r : rows) column.push_back(responses.at(r, item));
  return column;
}

std::vector<double> answered(std::span<const double> column) {
  std::vector<double> values;
  values.reserve(column.size());
  for (const double x : column) {
    if (!is_missing(x)) values.push_back(x);
  }
  return values;
}

AnswerDistribution answer_distribution(const Item& item, std::span<const double> column) {
  const std::vector<double> points = scale_points(item.scale.min, item.scale.max, item.scale.step);
  const AnswerCounts counts = count_answers(column, item.scale.min, item.scale.step, points.size());
  AnswerDistribution distribution;
  distribution.counts.reserve(points.size());
  for (std::size_t j = 0; j < points.size(); ++j) distribution.counts.emplace_back(points[j], counts.counts[j]);
  distribution.missing = counts.missing;
  return distribution;
}

ItemAnswers describe_item(const Item& item, std::span<const double> column) {
  const std::vector<double> values = answered(column);
  ItemAnswers answers;
  answers.id = item.id;
  answers.n = values.size();
  answers.mean = Statistic(mean(values));
  answers.sd = Statistic(standard_deviation(values));
  answers.median = Statistic(median(values));
  answers.distribution = answer_distribution(item, column);
  return answers;
}

}  // namespace psyscore::detail
