#include "scoring/kernels/dense_kernels.hpp"

#include "scoring/kernels/vector_clones.hpp"

namespace psyscore::kernels {

namespace {

// Interleaved partial sums: lane l adds the products of rows l, l + 8, ...;
// eight independent chains keep the adder busy and map onto two 256-bit (or
// four 128-bit) registers.
constexpr std::size_t kLanes = 8;

inline double add_lanes(const double (&lanes)[kLanes]) {
  return ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5])) + ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]));
}

inline double dot_lanes(const double* a, const double* b, std::size_t n) {
  double lanes[kLanes] = {};
  std::size_t r = 0;
  for (; r + kLanes <= n; r += kLanes) {
    for (std::size_t l = 0; l < kLanes; ++l) lanes[l] += a[r + l] * b[r + l];
  }
  for (std::size_t l = 0; r < n; ++r, ++l) lanes[l] += a[r] * b[r];
  return add_lanes(lanes);
}

}  // namespace

PSYSCORE_VECTOR_CLONES double dot(const double* a, const double* b, std::size_t n) { return dot_lanes(a, b, n); }

PSYSCORE_VECTOR_CLONES double sum(const double* a, std::size_t n) {
  double lanes[kLanes] = {};
  std::size_t r = 0;
  for (; r + kLanes <= n; r += kLanes) {
    for (std::size_t l = 0; l < kLanes; ++l) lanes[l] += a[r + l];
  }
  for (std::size_t l = 0; r < n; ++r, ++l) lanes[l] += a[r];
  return add_lanes(lanes);
}

PSYSCORE_VECTOR_CLONES void key_and_shift(double* x, double* totals, std::size_t n, double offset, double sign,
                                          double shift) {
  // One select, with the arithmetic outside it (it might trap): GCC turns
  // the loop into vector code.
  for (std::size_t r = 0; r < n; ++r) {
    const double shifted = (offset + sign * x[r]) - shift;
    const double cell = shifted != shifted ? 0.0 : shifted;  // NaN: missing
    x[r] = cell;
    totals[r] += cell;
  }
}

PSYSCORE_VECTOR_CLONES void add_cross_products(const double* x, std::size_t stride, std::size_t rows, std::size_t k,
                                               double* lower) {
  for (std::size_t j = 0; j < k; ++j) {
    for (std::size_t i = j; i < k; ++i) lower[i + j * k] += dot_lanes(x + i * stride, x + j * stride, rows);
  }
}

PSYSCORE_VECTOR_CLONES void add_outer_product(double* into, const double* x, std::size_t k, const double* w,
                                              std::size_t n) {
  for (std::size_t i = 0; i < k; ++i) {
    const double scale = x[i];
    double* row = into + i * n;
    for (std::size_t b = 0; b < n; ++b) row[b] += w[b] * scale;
  }
}

PSYSCORE_VECTOR_CLONES void add_weighted_sums(const double* weights, std::size_t weight_stride,
                                              std::size_t weight_panels, const double* features,
                                              std::size_t feature_panels, std::size_t rows, double* out,
                                              std::size_t out_stride) {
  // One panel of features (rows x 8 values, 16 KB for 256 rows) is reused
  // from the L1 cache by every panel of weights; the 4 x 8 tile of sums
  // stays in registers over the rows.
  for (std::size_t p = 0; p < feature_panels; ++p) {
    const double* feature_panel = features + p * rows * kFeatureLanes;
    for (std::size_t q = 0; q < weight_panels; ++q) {
      const double* weight_panel = weights + q * kWeightLanes;
      double tile[kWeightLanes][kFeatureLanes] = {};
      for (std::size_t r = 0; r < rows; ++r) {
        const double* w = weight_panel + r * weight_stride;
        const double* z = feature_panel + r * kFeatureLanes;
        for (std::size_t b = 0; b < kWeightLanes; ++b) {
          for (std::size_t f = 0; f < kFeatureLanes; ++f) tile[b][f] += w[b] * z[f];
        }
      }
      double* block = out + q * kWeightLanes * out_stride + p * kFeatureLanes;
      for (std::size_t b = 0; b < kWeightLanes; ++b) {
        for (std::size_t f = 0; f < kFeatureLanes; ++f) block[b * out_stride + f] += tile[b][f];
      }
    }
  }
}

}  // namespace psyscore::kernels
