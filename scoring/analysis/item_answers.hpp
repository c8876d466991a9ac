// The raw answers of one item, described as surveys report a statement:
// shared by compare() and reliability() when they are asked for their items.
// Private to the engine.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "psyscore/instrument.hpp"
#include "psyscore/item_answers.hpp"
#include "psyscore/responses.hpp"

namespace psyscore::detail {

// The raw (unkeyed) answers to the item in column `item` of `rows`, NaN for
// a missing answer, in the order of `rows`.
std::vector<double> item_column(const ResponseMatrix& responses, std::size_t item, std::span<const std::size_t> rows);

// The answers that are not missing.
std::vector<double> answered(std::span<const double> column);

// How often each point of the item's scale occurs in `column` (NaN = missing).
AnswerDistribution answer_distribution(const Item& item, std::span<const double> column);

// n, mean, sd, median and the distribution of one item's column.
ItemAnswers describe_item(const Item& item, std::span<const double> column);

}  // namespace psyscore::detail
