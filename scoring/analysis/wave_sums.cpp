#include "scoring/analysis/wave_sums.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <thread>

namespace psyscore::detail {

namespace {

// Rows per chunk: enough to make a thread's share worth starting it, and at
// most kMaxChunks chunks so that their sums take little memory. A function
// of the row count alone, never of the threads.
constexpr std::size_t kMinChunkRows = 8192;
constexpr std::size_t kMaxChunks = 64;
constexpr std::size_t kDoublesPerLine = 8;  // a 64-byte cache line

std::size_t chunk_rows(std::size_t rows) { return std::max(kMinChunkRows, (rows + kMaxChunks - 1) / kMaxChunks); }

// Counts one item's raw answers. Answers lie on the item's scale grid, so a
// subtraction and a check place most on their grid point in O(1).
class AnswerCounter {
 public:
  explicit AnswerCounter(const Scale& scale)
      : min_(scale.min), step_(scale.step), inverse_step_(1 / scale.step), tolerance_(1e-9 * scale.step) {
    const double points = std::floor((scale.max - scale.min) / scale.step + 0.5) + 1;
    const std::size_t size = points >= 1 && points <= 1e6 ? static_cast<std::size_t>(points) : 0;
    exact_.resize(size);
    exact_first_row_.resize(size);
    near_.resize(size);
    // Integer grids (most scales) hold min + i exactly at point i.
    integer_points_ = scale.step == 1 && scale.min == std::floor(scale.min) ? static_cast<double>(size) : 0;
  }

  // Copies this item's answers of n (< 2^32) rows, answers[t][column], to
  // out[t] and counts them; row[t] is the index of row t. NaN (missing) is
  // not counted.
  void gather(const double* const* answers, std::size_t column, std::size_t n, const std::size_t* row, double* out) {
    // The loop calls nothing (the rare other answers are counted after it),
    // so its locals stay in registers.
    const double min = min_;
    const double integer_points = integer_points_;
    std::size_t* exact = exact_.data();
    std::size_t* exact_first_row = exact_first_row_.data();
    others_.resize(std::max(others_.size(), n));
    std::uint32_t* others = others_.data();
    std::size_t other_count = 0;
    for (std::size_t t = 0; t < n; ++t) {
      const double x = answers[t][column];
      out[t] = x;
      const double offset = x - min;  // NaN fails the test below
      if (offset >= 0 && offset < integer_points) [[likely]] {
        // (A signed integer: x86-64 converts it to and from double in one
        // instruction.)
        const auto index = static_cast<std::int64_t>(offset);
        if (static_cast<double>(index) == offset) [[likely]] {
          if (exact[index]++ == 0) [[unlikely]]
            exact_first_row[index] = row[t];
          continue;
        }
      }
      others[other_count++] = static_cast<std::uint32_t>(t);
    }
    for (std::size_t i = 0; i < other_count; ++i) add_other(out[others[i]], row[others[i]]);
  }

  // Counters of the same item over other rows.
  void merge(const AnswerCounter& other) {
    for (std::size_t i = 0; i < exact_.size(); ++i) {
      if (other.exact_[i] > 0 && (exact_[i] == 0 || other.exact_first_row_[i] < exact_first_row_[i])) {
        exact_first_row_[i] = other.exact_first_row_[i];
      }
      exact_[i] += other.exact_[i];
      const Near& theirs = other.near_[i];
      Near& ours = near_[i];
      if (theirs.count > 0 && (ours.count == 0 || theirs.first_row < ours.first_row)) {
        ours.first_row = theirs.first_row;
        ours.value = theirs.value;
      }
      ours.count += theirs.count;
    }
    for (const auto& [value, count] : other.off_grid_) off_grid_[value] += count;
    low_ = std::min(low_, other.low_);
    high_ = std::max(high_, other.high_);
  }

  AnswerSummary summary() const {
    AnswerSummary out;
    double low = low_;
    double high = high_;
    std::map<double, std::size_t> counts = off_grid_;
    for (std::size_t i = 0; i < exact_.size(); ++i) {
      const std::size_t count = exact_[i] + near_[i].count;
      if (count == 0) continue;
      // The grid point's first answer in row order stands for all.
      const bool exact_first = exact_[i] > 0 && (near_[i].count == 0 || exact_first_row_[i] < near_[i].first_row);
      const double value = exact_first ? point(i) : near_[i].value;
      counts[value] += count;
      low = std::min(low, value);
      high = std::max(high, value);
    }
    for (const auto& [value, count] : counts) out.count += count;
    if (out.count > 0) {
      out.min = low;
      out.max = high;
    }
    out.frequencies.assign(counts.begin(), counts.end());
    return out;
  }

 private:
  // Answers near a grid point but not on it.
  struct Near {
    std::size_t count = 0;
    std::size_t first_row = 0;
    double value = 0;
  };

  double point(std::size_t i) const { return min_ + static_cast<double>(i) * step_; }

  // Any other answer: on a grid point of another scale, within 1e-9 steps of
  // one (as Scale::on_grid; multiplying by the inverse step can move a value
  // half a step away to the other neighbour, which fails the check too), or
  // off the grid.
  void add_other(double x, std::size_t row) {
    if (std::isnan(x)) return;
    const double steps = (x - min_) * inverse_step_ + 0.5;
    if (steps >= 0 && steps < static_cast<double>(exact_.size())) {
      const auto index = static_cast<std::size_t>(steps);
      if (point(index) == x) {
        if (exact_[index]++ == 0) exact_first_row_[index] = row;
        return;
      }
      if (std::abs(point(index) - x) <= tolerance_) {
        Near& near = near_[index];
        if (near.count++ == 0) {
          near.first_row = row;
          near.value = x;
        }
        low_ = std::min(low_, x);
        high_ = std::max(high_, x);
        return;
      }
    }
    ++off_grid_[x];
    low_ = std::min(low_, x);
    high_ = std::max(high_, x);
  }

  double min_;
  double step_;
  double inverse_step_;
  double tolerance_;
  double integer_points_;           // grid points for the shortcut; 0: none
  std::vector<std::size_t> exact_;  // answers equal to each grid point
  std::vector<std::size_t> exact_first_row_;
  std::vector<Near> near_;
  std::map<double, std::size_t> off_grid_;
  std::vector<std::uint32_t> others_;  // gather()'s rows for add_other()
  // Of the near and off-grid answers (the exact ones are the grid points).
  double low_ = std::numeric_limits<double>::infinity();
  double high_ = -std::numeric_limits<double>::infinity();
};

// How a block's items are read from a respondent's row and keyed.
struct BlockLayout {
  std::vector<std::size_t> columns;
  std::vector<std::size_t> required;
  std::vector<ItemKey> keys;  // shifted by the scale midpoints
  double score_shift = 0;
};

BlockLayout layout(const Instrument& instrument, const ItemBlock& block) {
  BlockLayout out;
  out.columns = block.items;
  out.required = block.required;
  for (const std::size_t item : block.items) {
    const Item& definition = instrument.items[item];
    // Reversing maps the scale onto itself, so its midpoint is the keyed
    // answers' midpoint too: |x - c| <= half the range, and integer answers
    // shifted by an integer or half-integer sum exactly.
    const double midpoint = (definition.scale.min + definition.scale.max) / 2;
    out.keys.push_back({.offset = definition.reverse_keyed ? definition.scale.min + definition.scale.max : 0.0,
                        .sign = definition.reverse_keyed ? -1.0 : 1.0,
                        .shift = midpoint});
    out.score_shift += midpoint;
  }
  if (!out.keys.empty()) out.score_shift /= static_cast<double>(out.keys.size());
  return out;
}

// One thread's tile and counters, per block.
struct BlockWork {
  ItemTile tile;
  std::vector<AnswerCounter> counters;
};

}  // namespace

std::vector<ItemBlockSums> sum_item_blocks(const Instrument& instrument, const ResponseMatrix& responses,
                                           std::span<const std::size_t> rows, std::span<const ItemBlock> blocks,
                                           std::size_t threads) {
  std::vector<BlockLayout> layouts;
  for (const ItemBlock& block : blocks) layouts.push_back(layout(instrument, block));
  const std::size_t chunk = chunk_rows(rows.size());
  const std::size_t chunks = (rows.size() + chunk - 1) / chunk;

  // chunk_sums[c][b]: block b summed over chunk c.
  std::vector<std::vector<ItemSumsAccumulator>> chunk_sums(chunks);
  auto new_work = [&] {
    std::vector<BlockWork> work;
    for (std::size_t b = 0; b < blocks.size(); ++b) {
      std::vector<AnswerCounter> counters;
      for (const std::size_t item : blocks[b].items) counters.emplace_back(instrument.items[item].scale);
      work.push_back({ItemTile(layouts[b].keys, layouts[b].score_shift), std::move(counters)});
    }
    return work;
  };

  std::atomic<std::size_t> next{0};
  auto run = [&](std::vector<BlockWork>& work) {
    const std::size_t tile_rows = ItemTile::kDefaultCapacity;
    // The rows of a tile (their index and their answers), and those of
    // them a block with required items keeps.
    std::vector<std::size_t> tile_ids(tile_rows);
    std::vector<const double*> tile_answers(tile_rows);
    std::vector<std::size_t> kept_ids(tile_rows);
    std::vector<const double*> kept_answers(tile_rows);
    for (;;) {
      const std::size_t c = next.fetch_add(1, std::memory_order_relaxed);
      if (c >= chunks) return;
      std::vector<ItemSumsAccumulator>& sums = chunk_sums[c];
      for (const ItemBlock& block : blocks) sums.emplace_back(block.items.size());
      const std::size_t end = std::min(rows.size(), (c + 1) * chunk);
      for (std::size_t first = c * chunk; first < end; first += tile_rows) {
        const std::size_t tile_size = std::min(tile_rows, end - first);
        for (std::size_t t = 0; t < tile_size; ++t) {
          tile_ids[t] = rows[first + t];
          tile_answers[t] = responses.answers.data() + tile_ids[t] * responses.item_count;
        }
        // The next tile's rows are read item by item (a stride of a whole
        // row): ask for them now, so they arrive while this tile is summed.
        for (std::size_t t = first + tile_size; t < std::min(end, first + 2 * tile_rows); ++t) {
          const double* row = responses.answers.data() + rows[t] * responses.item_count;
          for (std::size_t offset = 0; offset < responses.item_count; offset += kDoublesPerLine) {
            __builtin_prefetch(row + offset);
          }
          __builtin_prefetch(row + responses.item_count - 1);
        }
        for (std::size_t b = 0; b < blocks.size(); ++b) {
          const BlockLayout& block = layouts[b];
          const std::size_t* ids = tile_ids.data();
          const double* const* answers = tile_answers.data();
          std::size_t size = tile_size;
          if (!block.required.empty()) {
            size = 0;
            for (std::size_t t = 0; t < tile_size; ++t) {
              const double* row = tile_answers[t];
              if (std::ranges::any_of(block.required, [&](std::size_t item) { return is_missing(row[item]); })) {
                continue;
              }
              kept_ids[size] = tile_ids[t];
              kept_answers[size++] = row;
            }
            ids = kept_ids.data();
            answers = kept_answers.data();
          }
          if (size == 0) continue;
          BlockWork& w = work[b];
          w.tile.open(size);
          for (std::size_t j = 0; j < block.columns.size(); ++j) {
            w.counters[j].gather(answers, block.columns[j], size, ids, w.tile.column(j));
          }
          w.tile.close();
          sums[b].add(w.tile);
        }
      }
    }
  };

  std::size_t workers = threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
  workers = std::max<std::size_t>(1, std::min(workers, chunks));
  std::vector<std::vector<BlockWork>> work(workers);
  {
    std::vector<std::jthread> pool;
    for (std::size_t t = 1; t < workers; ++t) {
      pool.emplace_back([&, t] {
        work[t] = new_work();
        run(work[t]);
      });
    }
    work[0] = new_work();
    run(work[0]);
  }  // jthreads join here

  std::vector<ItemBlockSums> out(blocks.size());
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    ItemSumsAccumulator total(blocks[b].items.size());
    for (const auto& sums : chunk_sums) total.merge(sums[b]);
    out[b].sums = total.finish(layouts[b].keys, layouts[b].score_shift);
    for (std::size_t j = 0; j < blocks[b].items.size(); ++j) {
      AnswerCounter counter = work[0][b].counters[j];
      for (std::size_t t = 1; t < workers; ++t) counter.merge(work[t][b].counters[j]);
      out[b].answers.push_back(counter.summary());
    }
  }
  return out;
}

}  // namespace psyscore::detail
