// Each statement of a questionnaire on its raw answers (before reverse-keying),
// as surveys report them: how many answered, the mean, SD and median, and how
// often each point of the scale was chosen. compare() and reliability() fill
// these when asked with `items = true` (CompareOptions, ReliabilityOptions);
// docs/statistics.md ("Item-level analysis") has the rules.
//
//   psyscore::CompareOptions options;
//   options.items = true;
//   auto report = psyscore::compare(*instrument, wave, options);
//   for (const psyscore::ItemComparison& item : report->subscales[0].items) use(item);
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "psyscore/statistic.hpp"

namespace psyscore {

// How often each point of an item's scale was chosen.
struct AnswerDistribution {
  // Every point of the item's scale (min, min + step, ..., max), ascending,
  // with its count; points nobody chose are listed with 0.
  std::vector<std::pair<double, std::size_t>> counts;
  std::size_t missing = 0;  // respondents without an answer to the item
};

// One item over every usable respondent of a wave (reliability, items = true).
struct ItemAnswers {
  std::string id;
  std::size_t n = 0;                // answers to the item
  Statistic mean;                   // empty when n = 0
  Statistic sd;                     // empty when n < 2
  Statistic median;                 // empty when n = 0
  AnswerDistribution distribution;  // raw answers, missing included
};

}  // namespace psyscore
