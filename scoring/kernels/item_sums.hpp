// The sums over respondents from which every statistic of psych::alpha
// follows: pairwise moments of the items (covariance.hpp) and the person
// scores' moments (alpha.hpp). Gathering them is the only O(n) work of the
// alpha suite, done in one pass over the rows, a tile of rows at a time.
//
// Every sum is of values shifted by a constant c_j close to the item's mean
// (x - c_j), which keeps the one-pass formulas (sum xy - sum x sum y / n)
// free of cancellation; with integer answers and integer or half-integer
// shifts the item sums are exact (the person scores, means, are not).
//
// Missing answers: a missing x_j enters as 0, so P below is one dense
// product; S, Q and N are the sums over all rows minus corrections over the
// missing cells, which costs O(k) per missing cell instead of O(k^2) per row.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <Eigen/Core>

namespace psyscore::detail {

struct ItemSums {
  std::size_t rows = 0;   // rows summed, with or without answers
  Eigen::VectorXd shift;  // c_j; item j enters every sum as x_j - c_j
  // Over the rows that answered both i and j (x~ = x - c):
  Eigen::MatrixXd products;  // P(i, j) = sum x~_i x~_j
  Eigen::MatrixXd sums;      // S(i, j) = sum x~_i   (S(j, i) sums x~_j over the same rows)
  Eigen::MatrixXd squares;   // Q(i, j) = sum x~_i^2
  Eigen::MatrixXd counts;    // N(i, j); N(i, i) = answers to i
  bool complete = true;      // no missing answer at all
  // Person score s: the mean of the answered items of a row (psych's
  // rowMeans(na.rm = TRUE)), shifted by score_shift (s~ = s - c_s).
  double score_shift = 0;
  std::size_t scored = 0;               // rows with a score (that answered any item)
  double score_sum = 0;                 // sum s~ over those rows
  double score_squares = 0;             // sum s~^2
  Eigen::VectorXd item_score_sums;      // per item i, over the rows answering i: sum s~
  Eigen::VectorXd item_score_squares;   //   sum s~^2
  Eigen::VectorXd item_score_products;  //   sum x~_i s~
};

// ItemSums of a keyed matrix (rows are respondents, NaN a missing answer),
// shifted by the mean of each column's answers.
ItemSums item_sums(const Eigen::Ref<const Eigen::MatrixXd>& keyed);

// How an item's answers x enter the sums: keyed as offset + sign * x (x, or
// min + max - x for a reverse-keyed item: the same bits as Item::keyed),
// then shifted by c_j.
struct ItemKey {
  double offset = 0;
  double sign = 1;
  double shift = 0;  // c_j
};

// Up to `capacity` rows of answers, laid out for the accumulator: keyed,
// shifted, column-major, 0 where missing, with the missing cells listed.
// Filled a column at a time: open(rows), write every column(j), close().
class ItemTile {
 public:
  static constexpr std::size_t kDefaultCapacity = 256;

  // keys: one per item; score_shift: c_s.
  ItemTile(std::vector<ItemKey> keys, double score_shift, std::size_t capacity = kDefaultCapacity);

  std::size_t capacity() const { return capacity_; }
  // Starts a tile of `rows` rows (at most capacity()).
  void open(std::size_t rows);
  // Where item j's `rows` answers go (NaN = missing).
  double* column(std::size_t j) { return values_.data() + j * capacity_; }
  // Lists the missing answers, keys and shifts the others and computes the
  // person scores, for the accumulator.
  void close();

 private:
  friend class ItemSumsAccumulator;
  // Appends column j's missing cells to missing_.
  void list_missing(std::size_t j);

  std::vector<ItemKey> keys_;
  double score_shift_;
  std::size_t k_;
  std::size_t capacity_;
  std::size_t rows_ = 0;
  std::size_t scored_ = 0;
  std::vector<double> values_;    // capacity x k, column-major: x - c, 0 where missing
  std::vector<double> scores_;    // s - c_s; 0 for a row without answers
  std::vector<double> answered_;  // items each row answered
  std::vector<double> shifts_;    // the sum of their shifts
  struct MissingCell {
    std::uint32_t row;  // in the tile
    std::uint32_t item;
  };
  std::vector<MissingCell> missing_;  // by row, then item
};

// Adds up tiles. Accumulators of consecutive row ranges can be merged; the
// result depends on the order of merging only through floating-point
// rounding, so callers merge in a fixed order.
class ItemSumsAccumulator {
 public:
  explicit ItemSumsAccumulator(std::size_t k);
  void add(const ItemTile& tile);
  void merge(const ItemSumsAccumulator& other);
  // keys and score_shift: those of the tiles.
  ItemSums finish(const std::vector<ItemKey>& keys, double score_shift) const;

 private:
  std::size_t k_;
  std::size_t rows_ = 0;
  std::size_t scored_ = 0;
  std::size_t missing_cells_ = 0;
  std::vector<double> products_;  // k x k, lower triangle: sum x~_i x~_j over all rows
  std::vector<double> totals_;    // sum x~_i over all rows
  std::vector<double> item_score_products_;
  double score_sum_ = 0;
  double score_squares_ = 0;
  // Corrections over the missing cells (r, j):
  std::vector<std::uint64_t> missing_;         // cells missing per item j
  std::vector<std::uint64_t> both_missing_;    // k x k: rows missing both i and j
  std::vector<double> missing_sums_;           // k x k, (i, j): sum x~_i over rows missing j
  std::vector<double> missing_squares_;        // (i, j): sum x~_i^2 over rows missing j
  std::vector<double> missing_score_sums_;     // per j: sum s~ over rows missing j
  std::vector<double> missing_score_squares_;  // per j: sum s~^2 over rows missing j
};

}  // namespace psyscore::detail
