#include "scoring/kernels/item_sums.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "scoring/kernels/dense_kernels.hpp"

namespace psyscore::detail {

ItemTile::ItemTile(std::vector<ItemKey> keys, double score_shift, std::size_t capacity)
    : keys_(std::move(keys)),
      score_shift_(score_shift),
      k_(keys_.size()),
      capacity_(capacity),
      values_(capacity * keys_.size()),
      scores_(capacity),
      answered_(capacity),
      shifts_(capacity) {}

void ItemTile::open(std::size_t rows) {
  rows_ = rows;
  scored_ = 0;
  missing_.clear();
}

void ItemTile::close() {
  const std::size_t rows = rows_;
  // First each row's total of shifted answers; adding back the shifts of
  // the items it answered gives the total of its keyed answers (exactly so
  // for integer answers and shifts).
  double* totals = scores_.data();
  std::fill_n(totals, rows, 0.0);
  for (std::size_t j = 0; j < k_; ++j) {
    double* cells = column(j);
    list_missing(j);
    const ItemKey& key = keys_[j];
    kernels::key_and_shift(cells, totals, rows, key.offset, key.sign, key.shift);
  }
  // The accumulator takes the cells of a row together.
  std::ranges::sort(missing_,
                    [](MissingCell a, MissingCell b) { return a.row != b.row ? a.row < b.row : a.item < b.item; });
  double all_shifts = 0;
  for (const ItemKey& key : keys_) all_shifts += key.shift;
  double* answered = answered_.data();
  double* shifts = shifts_.data();  // of the items each row answered
  std::fill_n(answered, rows, static_cast<double>(k_));
  std::fill_n(shifts, rows, all_shifts);
  for (const MissingCell& cell : missing_) {
    answered[cell.row] -= 1;
    shifts[cell.row] -= keys_[cell.item].shift;
  }
  for (std::size_t r = 0; r < rows; ++r) {
    if (answered[r] == 0) continue;  // no score: its total is 0
    totals[r] = (totals[r] + shifts[r]) / answered[r] - score_shift_;
    ++scored_;
  }
}

void ItemTile::list_missing(std::size_t j) {
  const double* cells = column(j);
  auto list = [&](std::size_t first, std::size_t end) {
    for (std::size_t r = first; r < end; ++r) {
      if (std::isnan(cells[r])) missing_.push_back({static_cast<std::uint32_t>(r), static_cast<std::uint32_t>(j)});
    }
  };
  // NaN propagates through a sum: one test finds the (rare) groups of 8
  // rows with a missing answer. (An inf - inf only costs a closer look.)
  std::size_t r = 0;
  for (; r + 8 <= rows_; r += 8) {
    const double* c = cells + r;
    const double group = ((c[0] + c[1]) + (c[2] + c[3])) + ((c[4] + c[5]) + (c[6] + c[7]));
    if (std::isnan(group)) list(r, r + 8);
  }
  list(r, rows_);
}

ItemSumsAccumulator::ItemSumsAccumulator(std::size_t k)
    : k_(k),
      products_(k * k),
      totals_(k),
      item_score_products_(k),
      missing_(k),
      both_missing_(k * k),
      missing_sums_(k * k),
      missing_squares_(k * k),
      missing_score_sums_(k),
      missing_score_squares_(k) {}

void ItemSumsAccumulator::add(const ItemTile& tile) {
  const std::size_t n = tile.rows_;
  const std::size_t stride = tile.capacity_;
  const double* values = tile.values_.data();
  const double* scores = tile.scores_.data();
  rows_ += n;
  scored_ += tile.scored_;
  kernels::add_cross_products(values, stride, n, k_, products_.data());
  for (std::size_t j = 0; j < k_; ++j) {
    totals_[j] += kernels::sum(values + j * stride, n);
    item_score_products_[j] += kernels::dot(values + j * stride, scores, n);
  }
  score_sum_ += kernels::sum(scores, n);
  score_squares_ += kernels::dot(scores, scores, n);

  // A missing cell (r, j) takes row r out of every sum over the rows that
  // answered j. Cells of one row are consecutive: pairs among them are the
  // rows that miss both items.
  missing_cells_ += tile.missing_.size();
  std::size_t row_start = 0;
  for (std::size_t c = 0; c < tile.missing_.size(); ++c) {
    const auto [row, j] = tile.missing_[c];
    if (tile.missing_[row_start].row != row) row_start = c;
    ++missing_[j];
    for (std::size_t other = row_start; other < c; ++other) {
      const std::uint32_t i = tile.missing_[other].item;
      ++both_missing_[i * k_ + j];
      ++both_missing_[j * k_ + i];
    }
    const double s = scores[row];
    missing_score_sums_[j] += s;
    missing_score_squares_[j] += s * s;
    double* sums = missing_sums_.data() + j * k_;
    double* squares = missing_squares_.data() + j * k_;
    for (std::size_t i = 0; i < k_; ++i) {
      const double x = values[i * stride + row];
      sums[i] += x;
      squares[i] += x * x;
    }
  }
}

void ItemSumsAccumulator::merge(const ItemSumsAccumulator& other) {
  auto add = [](auto& into, const auto& from) {
    for (std::size_t i = 0; i < into.size(); ++i) into[i] += from[i];
  };
  rows_ += other.rows_;
  scored_ += other.scored_;
  missing_cells_ += other.missing_cells_;
  add(products_, other.products_);
  add(totals_, other.totals_);
  add(item_score_products_, other.item_score_products_);
  score_sum_ += other.score_sum_;
  score_squares_ += other.score_squares_;
  add(missing_, other.missing_);
  add(both_missing_, other.both_missing_);
  add(missing_sums_, other.missing_sums_);
  add(missing_squares_, other.missing_squares_);
  add(missing_score_sums_, other.missing_score_sums_);
  add(missing_score_squares_, other.missing_score_squares_);
}

ItemSums ItemSumsAccumulator::finish(const std::vector<ItemKey>& keys, double score_shift) const {
  const auto k = static_cast<Eigen::Index>(k_);
  ItemSums out;
  out.rows = rows_;
  out.shift.resize(k);
  for (Eigen::Index j = 0; j < k; ++j) out.shift(j) = keys[static_cast<std::size_t>(j)].shift;
  out.products.resize(k, k);
  out.sums.resize(k, k);
  out.squares.resize(k, k);
  out.counts.resize(k, k);
  out.complete = missing_cells_ == 0;
  const double rows = static_cast<double>(rows_);
  for (std::size_t j = 0; j < k_; ++j) {
    for (std::size_t i = 0; i < k_; ++i) {
      const auto r = static_cast<Eigen::Index>(i);
      const auto c = static_cast<Eigen::Index>(j);
      out.products(r, c) = i >= j ? products_[i + j * k_] : products_[j + i * k_];
      // Missing x~_i are zeros: S(i, j) is the total of item i less its
      // answers in the rows that miss j; N by inclusion-exclusion.
      out.sums(r, c) = totals_[i] - missing_sums_[j * k_ + i];
      out.squares(r, c) = products_[i + i * k_] - missing_squares_[j * k_ + i];
      const std::uint64_t both = i == j ? missing_[i] : both_missing_[i * k_ + j];
      out.counts(r, c) =
          rows - static_cast<double>(missing_[i]) - static_cast<double>(missing_[j]) + static_cast<double>(both);
    }
  }
  out.score_shift = score_shift;
  out.scored = scored_;
  out.score_sum = score_sum_;
  out.score_squares = score_squares_;
  out.item_score_sums.resize(k);
  out.item_score_squares.resize(k);
  out.item_score_products.resize(k);
  for (std::size_t i = 0; i < k_; ++i) {
    const auto r = static_cast<Eigen::Index>(i);
    out.item_score_sums(r) = score_sum_ - missing_score_sums_[i];
    out.item_score_squares(r) = score_squares_ - missing_score_squares_[i];
    out.item_score_products(r) = item_score_products_[i];
  }
  return out;
}

ItemSums item_sums(const Eigen::Ref<const Eigen::MatrixXd>& keyed) {
  const auto n = keyed.rows();
  const auto k = keyed.cols();
  // Centring on the column means makes the one-pass sums agree with R's
  // two-pass cov() to ~1e-15.
  std::vector<ItemKey> keys(static_cast<std::size_t>(k));
  double score_shift = 0;
  for (Eigen::Index j = 0; j < k; ++j) {
    double total = 0;
    std::size_t answers = 0;
    for (Eigen::Index r = 0; r < n; ++r) {
      const double x = keyed(r, j);
      if (std::isnan(x)) continue;
      total += x;
      ++answers;
    }
    const double mean = answers > 0 ? total / static_cast<double>(answers) : 0.0;
    keys[static_cast<std::size_t>(j)].shift = mean;
    score_shift += mean;
  }
  // Person scores are means of items: the mean of the item means is close.
  if (k > 0) score_shift /= static_cast<double>(k);

  ItemTile tile(keys, score_shift);
  ItemSumsAccumulator accumulator(static_cast<std::size_t>(k));
  const auto capacity = static_cast<Eigen::Index>(tile.capacity());
  for (Eigen::Index start = 0; start < n; start += capacity) {
    const Eigen::Index rows = std::min(capacity, n - start);
    tile.open(static_cast<std::size_t>(rows));
    for (Eigen::Index j = 0; j < k; ++j) {
      Eigen::Map<Eigen::VectorXd>(tile.column(static_cast<std::size_t>(j)), rows) = keyed.col(j).segment(start, rows);
    }
    tile.close();
    accumulator.add(tile);
  }
  return accumulator.finish(keys, score_shift);
}

}  // namespace psyscore::detail
