#include "scoring/psych/bootstrap.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <thread>

#include "scoring/kernels/dense_kernels.hpp"
#include "scoring/kernels/mt19937_64.hpp"
#include "scoring/psych/alpha.hpp"
#include "scoring/util/nan.hpp"

namespace psyscore::detail {

namespace {

constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;

using kernels::kFeatureLanes;
using kernels::kWeightLanes;

// Rows per tile of the weighted sums: the tile's features (rows x features)
// stay in the L2 cache while every resample of the block reads them.
constexpr std::size_t kTileRows = 256;
// Resamples summed together: the features of a tile are computed once for
// all of them.
constexpr std::size_t kMaxResampleBlock = 64;
// At most this many draw counts per thread (16 MB), for large n.
constexpr std::size_t kCountBudget = std::size_t{1} << 22;

std::size_t round_up(std::size_t x, std::size_t multiple) { return (x + multiple - 1) / multiple * multiple; }

// The features of a tile of rows, packed for kernels::add_weighted_sums in
// panels of kFeatureLanes features, each panel rows x kFeatureLanes values.
// Writing one feature for every row stays within one panel (16 KB for 256
// rows, in the L1 cache), and the kernel reads each panel front to back.
class FeatureTile {
 public:
  explicit FeatureTile(std::size_t features)
      : features_(features),
        padded_(round_up(std::max<std::size_t>(features, 1), kFeatureLanes)),
        values_(kTileRows * padded_) {}

  std::size_t padded_features() const { return padded_; }
  std::size_t panels() const { return padded_ / kFeatureLanes; }
  const double* data() const { return values_.data(); }

  // Starts a tile of `rows` rows; the padding features are 0.
  void open(std::size_t rows) {
    rows_ = rows;
    for (std::size_t f = features_; f < padded_; ++f) {
      double* out = column(f);
      for (std::size_t r = 0; r < rows; ++r) out[r * kFeatureLanes] = 0;
    }
  }
  // Feature f of row r is at column(f)[r * kFeatureLanes].
  double* column(std::size_t f) {
    return values_.data() + (f / kFeatureLanes) * rows_ * kFeatureLanes + f % kFeatureLanes;
  }

 private:
  std::size_t features_;
  std::size_t padded_;
  std::vector<double> values_;
  std::size_t rows_ = 0;
};

// The weights of one tile of rows for a block of resamples.
struct TileWeights {
  std::size_t lanes = 0;        // resamples in the block, rounded up to kWeightLanes
  const double* row = nullptr;  // rows x lanes: row r's draw count in each resample (0 in padding lanes)
};

// One item block (a subscale): its answers centred on the column means, and
// how raw alpha of a resample follows from the resample's weighted sums.
//
// Features per row (x~ = x - column mean, 0 where missing):
//   complete data: x~_1..x~_k, t = sum x~, x~_1^2..x~_k^2, t^2
//   missing data:  x~_1..x~_k, then x~_i x~_j for j <= i, column by column
class BlockAlpha {
 public:
  BlockAlpha(const Eigen::MatrixXd& keyed, std::size_t feature_offset)
      : n_(static_cast<std::size_t>(keyed.rows())),
        k_(static_cast<std::size_t>(keyed.cols())),
        complete_(!keyed.hasNaN()),
        offset_(feature_offset),
        centred_(n_ * k_),
        missing_start_(n_ + 1, 0) {
    for (std::size_t j = 0; j < k_; ++j) {
      const auto column = keyed.col(static_cast<Eigen::Index>(j));
      double total = 0;
      std::size_t answers = 0;
      for (const double x : column) {
        if (std::isnan(x)) continue;
        total += x;
        ++answers;
      }
      // Centring on the full sample keeps every resample's one-pass sums
      // free of cancellation (a resample's means are close to these).
      const double mean = answers > 0 ? total / static_cast<double>(answers) : 0.0;
      for (std::size_t r = 0; r < n_; ++r) {
        const double x = column(static_cast<Eigen::Index>(r));
        centred_[j * n_ + r] = std::isnan(x) ? 0.0 : x - mean;
      }
    }
    for (std::size_t r = 0; r < n_; ++r) {
      for (std::size_t j = 0; j < k_; ++j) {
        if (std::isnan(keyed(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(j)))) {
          missing_items_.push_back(static_cast<std::uint32_t>(j));
        }
      }
      missing_start_[r + 1] = missing_items_.size();
    }
    features_ = complete_ ? 2 * k_ + 2 : k_ + k_ * (k_ + 1) / 2;
  }

  std::size_t features() const { return features_; }
  std::size_t items() const { return k_; }
  bool complete() const { return complete_; }

  // The features of rows [first, first + rows) into the tile's features
  // [offset, offset + features()); `scratch` holds at least `rows` values.
  // Feature by feature: long loops over the rows.
  void write_features(std::size_t first, std::size_t rows, FeatureTile& tile, std::vector<double>& scratch) const {
    auto column = [&](std::size_t j) { return centred_.data() + j * n_ + first; };
    auto write = [&](std::size_t f, auto value) {
      double* out = tile.column(offset_ + f);
      for (std::size_t r = 0; r < rows; ++r) out[r * kFeatureLanes] = value(r);
    };
    for (std::size_t i = 0; i < k_; ++i) write(i, [x = column(i)](std::size_t r) { return x[r]; });
    if (complete_) {
      double* total = scratch.data();
      std::fill_n(total, rows, 0.0);
      for (std::size_t i = 0; i < k_; ++i) {
        const double* x = column(i);
        for (std::size_t r = 0; r < rows; ++r) total[r] += x[r];
      }
      write(k_, [total](std::size_t r) { return total[r]; });
      for (std::size_t i = 0; i < k_; ++i) write(k_ + 1 + i, [x = column(i)](std::size_t r) { return x[r] * x[r]; });
      write(2 * k_ + 1, [total](std::size_t r) { return total[r] * total[r]; });
      return;
    }
    std::size_t f = k_;
    for (std::size_t j = 0; j < k_; ++j) {
      for (std::size_t i = j; i < k_; ++i) {
        write(f++, [xi = column(i), xj = column(j)](std::size_t r) { return xi[r] * xj[r]; });
      }
    }
  }

  // Sums over the missing cells of one block of resamples (missing data
  // only), lane b for resample b of the block:
  //   missing(j, b):     weight of the rows that miss j
  //   both(i, j, b):     weight of the rows that miss i and j (i < j)
  //   skipped(j, i, b):  weighted sum of x~_i over the rows that miss j
  struct Corrections {
    std::size_t lanes = 0;
    std::vector<double> missing;  // k x lanes
    std::vector<double> both;     // k x k x lanes
    std::vector<double> skipped;  // k x k x lanes
    std::vector<double> row;      // k: a row's x~, while adding it
    void reset(std::size_t k, std::size_t block_lanes) {
      lanes = block_lanes;
      missing.assign(k * lanes, 0.0);
      both.assign(k * k * lanes, 0.0);
      skipped.assign(k * k * lanes, 0.0);
      row.resize(k);
    }
  };

  // Adds rows [first, first + rows) to the corrections; weights.row[r] is the
  // tile row of row first + r.
  void add_corrections(std::size_t first, std::size_t rows, const TileWeights& weights, Corrections& c) const {
    const std::size_t lanes = weights.lanes;
    const double one = 1;
    std::vector<double>& x = c.row;
    for (std::size_t r = 0; r < rows; ++r) {
      const std::size_t row = first + r;
      const std::size_t begin = missing_start_[row];
      const std::size_t end = missing_start_[row + 1];
      if (begin == end) continue;
      const double* w = weights.row + r * lanes;
      for (std::size_t i = 0; i < k_; ++i) x[i] = centred_[i * n_ + row];
      for (std::size_t m = begin; m < end; ++m) {
        const std::size_t j = missing_items_[m];
        kernels::add_outer_product(c.missing.data() + j * lanes, &one, 1, w, lanes);
        for (std::size_t other = begin; other < m; ++other) {
          kernels::add_outer_product(c.both.data() + (missing_items_[other] * k_ + j) * lanes, &one, 1, w, lanes);
        }
        // The row, at its weight in each resample, leaves the sums over the
        // rows that answered j.
        kernels::add_outer_product(c.skipped.data() + j * k_ * lanes, x.data(), k_, w, lanes);
      }
    }
  }

  // Raw alpha of resample lane b from its weighted feature sums (`sums`, all
  // blocks' features) and, with missing data, the corrections. NaN when
  // undefined, as raw_alpha_pairwise().
  double alpha(const double* sums, const Corrections& c, std::size_t b) const {
    const double* f = sums + offset_;
    const double n = static_cast<double>(n_);
    const double k = static_cast<double>(k_);
    double trace = 0;
    double total = 0;
    if (complete_) {
      auto variance = [n](double sum, double squares) { return (squares - sum * sum / n) / (n - 1); };
      for (std::size_t i = 0; i < k_; ++i) trace += variance(f[i], f[k_ + 1 + i]);
      total = variance(f[k_], f[2 * k_ + 1]);
    } else {
      // Over the rows that answered both i and j (weights w):
      //   n_ij = n - W(miss i) - W(miss j) + W(miss both)
      //   S_ij = sum w x~_i - sum over rows missing j of w x~_i
      //   C_ij = (sum w x~_i x~_j - S_ij S_ji / n_ij) / (n_ij - 1)
      auto lane = [&c, b](const std::vector<double>& sums_by_lane, std::size_t index) {
        return sums_by_lane[index * c.lanes + b];
      };
      const double* linear = f;
      const double* product = f + k_;
      for (std::size_t j = 0; j < k_; ++j) {
        const double missing_j = lane(c.missing, j);
        for (std::size_t i = j; i < k_; ++i, ++product) {
          double count = n - missing_j;
          if (i != j) count += lane(c.both, j * k_ + i) - lane(c.missing, i);
          if (count < 2) return kNaN;
          const double sum_i = linear[i] - lane(c.skipped, j * k_ + i);
          const double sum_j = linear[j] - lane(c.skipped, i * k_ + j);
          const double covariance = (*product - sum_i * sum_j / count) / (count - 1);
          if (i == j) {
            trace += covariance;
            total += covariance;
          } else {
            total += 2 * covariance;
          }
        }
      }
    }
    const double alpha = (1 - trace / total) * (k / (k - 1));
    return std::isfinite(alpha) ? alpha : kNaN;
  }

 private:
  std::size_t n_;
  std::size_t k_;
  bool complete_;
  std::size_t offset_;
  std::size_t features_ = 0;
  std::vector<double> centred_;  // n x k, column-major
  // Row r's missing items: missing_items_[missing_start_[r] .. missing_start_[r + 1]).
  std::vector<std::size_t> missing_start_;
  std::vector<std::uint32_t> missing_items_;
};

}  // namespace

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += kGolden);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t state = seed + stream * kGolden;
  return splitmix64(state);
}

void resample_counts(std::uint64_t seed, std::uint64_t b, std::vector<std::uint32_t>& counts) {
  Mt19937_64 engine(stream_seed(seed, b));
  std::ranges::fill(counts, 0u);
  const auto n = static_cast<std::uint64_t>(counts.size());
  for (std::uint64_t i = 0; i < n; ++i) ++counts[uniform_index(engine, n)];
}

namespace {

// Type-7 quantiles of the defined alphas.
void summarise(BootstrapResult& result, double level) {
  std::vector<double> defined;
  defined.reserve(result.samples.size());
  for (const double alpha : result.samples) {
    if (std::isfinite(alpha)) defined.push_back(alpha);
  }
  result.undefined = result.samples.size() - defined.size();
  std::ranges::sort(defined);
  const double tail = (1 - level) / 2;
  result.lower = quantile_type7(defined, tail);
  result.median = quantile_type7(defined, 0.5);
  result.upper = quantile_type7(defined, 1 - tail);
}

}  // namespace

std::vector<BootstrapResult> bootstrap_raw_alpha(std::span<const Eigen::MatrixXd> blocks, std::size_t iterations,
                                                 std::uint64_t seed, double level, std::size_t threads,
                                                 const Deadline& deadline) {
  std::vector<BootstrapResult> results(blocks.size());
  for (BootstrapResult& result : results) {
    result.iterations = iterations;
    result.samples.assign(iterations, kNaN);
  }
  const std::size_t n = blocks.empty() ? 0 : static_cast<std::size_t>(blocks.front().rows());
  std::vector<BlockAlpha> alphas;
  std::vector<std::size_t> defined_blocks;  // blocks with an alpha to compute
  std::size_t features = 0;
  for (std::size_t s = 0; s < blocks.size(); ++s) {
    if (n < 2 || blocks[s].cols() < 2) continue;
    alphas.emplace_back(blocks[s], features);
    features += alphas.back().features();
    defined_blocks.push_back(s);
  }
  const std::size_t block_size = std::clamp(kCountBudget / std::max<std::size_t>(n, 1) / kWeightLanes * kWeightLanes,
                                            kWeightLanes, kMaxResampleBlock);
  const std::size_t resample_blocks = alphas.empty() ? 0 : (iterations + block_size - 1) / block_size;

  // Each resample depends only on (seed, b) and is summed in the same order
  // whichever block or thread it falls to, so how resamples are shared among
  // threads cannot change the result.
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stopped{false};
  auto work = [&] {
    std::vector<std::vector<std::uint32_t>> counts(block_size, std::vector<std::uint32_t>(n));
    std::vector<double> weights(kTileRows * block_size);
    FeatureTile tile(features);
    std::vector<double> scratch(kTileRows);
    std::vector<double> sums(block_size * tile.padded_features());
    std::vector<BlockAlpha::Corrections> corrections(alphas.size());
    for (;;) {
      const std::size_t block = next.fetch_add(1, std::memory_order_relaxed);
      if (block >= resample_blocks) return;
      // Between two blocks of at most 64 resamples: often enough to stop
      // soon after the deadline, rarely enough that the clock costs nothing.
      if (stopped.load(std::memory_order_relaxed) || deadline.passed()) {
        stopped.store(true, std::memory_order_relaxed);
        return;
      }
      const std::size_t first = block * block_size;
      const std::size_t resamples = std::min(block_size, iterations - first);
      const std::size_t lanes = round_up(resamples, kWeightLanes);
      for (std::size_t b = 0; b < resamples; ++b) resample_counts(seed, first + b, counts[b]);
      std::ranges::fill(sums, 0.0);
      for (std::size_t s = 0; s < alphas.size(); ++s) {
        if (!alphas[s].complete()) corrections[s].reset(alphas[s].items(), lanes);
      }
      for (std::size_t start = 0; start < n; start += kTileRows) {
        const std::size_t rows = std::min(kTileRows, n - start);
        // Draw counts as weights, a row of lanes per row (padding lanes 0).
        // A count is at most n, below 2^31 (2^31 rows would take 16 GB per
        // item): as a signed integer it converts to double in one vector
        // instruction.
        std::fill(weights.begin(), weights.begin() + static_cast<std::ptrdiff_t>(rows * lanes), 0.0);
        for (std::size_t b = 0; b < resamples; ++b) {
          const std::uint32_t* drawn = counts[b].data() + start;
          for (std::size_t r = 0; r < rows; ++r) weights[r * lanes + b] = static_cast<std::int32_t>(drawn[r]);
        }
        tile.open(rows);
        for (const BlockAlpha& alpha : alphas) alpha.write_features(start, rows, tile, scratch);
        kernels::add_weighted_sums(weights.data(), lanes, lanes / kWeightLanes, tile.data(), tile.panels(), rows,
                                   sums.data(), tile.padded_features());
        const TileWeights tile_weights{.lanes = lanes, .row = weights.data()};
        for (std::size_t s = 0; s < alphas.size(); ++s) {
          if (!alphas[s].complete()) alphas[s].add_corrections(start, rows, tile_weights, corrections[s]);
        }
      }
      for (std::size_t b = 0; b < resamples; ++b) {
        for (std::size_t s = 0; s < alphas.size(); ++s) {
          results[defined_blocks[s]].samples[first + b] =
              alphas[s].alpha(sums.data() + b * tile.padded_features(), corrections[s], b);
        }
      }
    }
  };
  std::size_t workers = threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
  workers = std::max<std::size_t>(1, std::min(workers, resample_blocks));
  {
    std::vector<std::jthread> pool;
    pool.reserve(workers - 1);
    for (std::size_t w = 1; w < workers; ++w) pool.emplace_back(work);
    work();
  }  // jthreads join here

  for (BootstrapResult& result : results) {
    if (stopped.load()) {
      result.stopped = true;
      result.lower = result.median = result.upper = kNaN;
      continue;
    }
    summarise(result, level);
  }
  return results;
}

BootstrapResult bootstrap_raw_alpha(const Eigen::Ref<const Eigen::MatrixXd>& keyed, std::size_t iterations,
                                    std::uint64_t seed, double level, std::size_t threads, const Deadline& deadline) {
  const Eigen::MatrixXd block = keyed;
  return std::move(bootstrap_raw_alpha(std::span(&block, 1), iterations, seed, level, threads, deadline).front());
}

}  // namespace psyscore::detail
