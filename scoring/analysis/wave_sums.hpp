// One pass over the respondents of a wave that gathers, for several blocks
// of items at once (a block per subscale), everything reliability() needs
// from the answers: the ItemSums of the keyed answers (item_sums.hpp) and,
// per item, the count, range and frequencies of the raw answers.
//
// The wave is row-major (a respondent's answers are adjacent), the sums want
// item columns: the pass reads each respondent once, keys the answers of
// every block into a small column-major tile that stays in the cache, and
// sums tiles. Rows are split into chunks of a fixed size that threads share;
// the chunks' sums are merged in chunk order, so the result does not depend
// on the number of threads.
#pragma once

#include <cstddef>
#include <span>
#include <utility>
#include <vector>

#include "psyscore/instrument.hpp"
#include "psyscore/responses.hpp"
#include "scoring/kernels/item_sums.hpp"

namespace psyscore::detail {

struct ItemBlock {
  std::vector<std::size_t> items;  // indices into Instrument::items (and the wave's columns)
  // Rows that miss any of these items are left out (listwise deletion).
  // Default: empty, every row counts.
  std::vector<std::size_t> required;
};

// The raw (unkeyed) answers to one item over the rows summed.
struct AnswerSummary {
  std::size_t count = 0;
  double min = 0;  // of the answers; meaningful when count > 0
  double max = 0;
  // (value, count) ascending. Answers on the item's scale grid are counted
  // per grid point (within 1e-9 steps, as Scale::on_grid), under the first
  // such answer in row order (e.g. 0.3 for the point 0.30000000000000004);
  // answers off the grid (only in a hand-built wave) under their own value.
  std::vector<std::pair<double, std::size_t>> frequencies;
};

struct ItemBlockSums {
  ItemSums sums;                       // shifts: the midpoint of each item's scale
  std::vector<AnswerSummary> answers;  // per item of the block
};

// rows: the respondents to use (indices into `responses`), ascending.
// threads = 0: std::thread::hardware_concurrency().
std::vector<ItemBlockSums> sum_item_blocks(const Instrument& instrument, const ResponseMatrix& responses,
                                           std::span<const std::size_t> rows, std::span<const ItemBlock> blocks,
                                           std::size_t threads);

}  // namespace psyscore::detail
