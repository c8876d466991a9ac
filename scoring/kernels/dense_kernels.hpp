// The inner loops of the reliability statistics: sums of products over
// contiguous columns of doubles. They are plain loops, compiled twice (for
// x86-64-v3, i.e. AVX2 with fused multiply-add, and for the baseline x86-64
// target) with the body chosen at run time, so one binary runs everywhere
// and uses 256-bit vectors where it can.
//
// Both bodies add the same products in the same order; the x86-64-v3 one
// rounds each multiply-add once instead of twice, so results can differ
// between the two kinds of CPU in the last bit (about 1e-16 relative). On
// one machine they are the same for any number of threads.
// This translation unit includes no Eigen: its functions may be compiled for
// another instruction set without breaking the one-definition rule.
#pragma once

#include <cstddef>

namespace psyscore::kernels {

// sum_r a[r] * b[r] over n values, in 8 interleaved partial sums added in a
// fixed order at the end (the same for every n and both clones).
double dot(const double* a, const double* b, std::size_t n);

// sum_r a[r] over n values, in the same fixed order as dot().
double sum(const double* a, std::size_t n);

// For r < n: x[r] = offset + sign * x[r] - shift, or 0 where x[r] is NaN,
// and totals[r] += the new x[r]. (Keys and shifts one item's answers.)
void key_and_shift(double* x, double* totals, std::size_t n, double offset, double sign, double shift);

// lower(i, j) += sum_r x_i[r] x_j[r] for i >= j, where column j of x holds
// `rows` values at x + j * stride and `lower` is k x k, column-major.
void add_cross_products(const double* x, std::size_t stride, std::size_t rows, std::size_t k, double* lower);

// into[i * n + b] += x[i] * w[b] for i < k, b < n: a rank-one update of the
// k x n row-major block `into`.
void add_outer_product(double* into, const double* x, std::size_t k, const double* w, std::size_t n);

// A register tile of the resample-weighted sums below: kWeightLanes
// resamples by kFeatureLanes features.
inline constexpr std::size_t kWeightLanes = 4;
inline constexpr std::size_t kFeatureLanes = 8;

// out[b][f] += sum_r weight[r][b] * feature[r][f] for a block of resamples b
// and features f over `rows` rows: a matrix product (resamples x rows) times
// (rows x features) whose long dimension is the rows.
//   weights:  rows x (weight_panels * kWeightLanes) values, row r at
//             weights + r * weight_stride
//   features: feature_panels panels of rows x kFeatureLanes values each,
//             panel p at features + p * rows * kFeatureLanes
//   out:      (weight_panels * kWeightLanes) rows of `out_stride` values
// Each out[b][f] adds its rows in row order, whatever else is in the block.
void add_weighted_sums(const double* weights, std::size_t weight_stride, std::size_t weight_panels,
                       const double* features, std::size_t feature_panels, std::size_t rows, double* out,
                       std::size_t out_stride);

}  // namespace psyscore::kernels
