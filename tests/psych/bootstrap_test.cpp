// Bootstrap of raw alpha: the documented random streams, reproducibility for
// any thread count, the O(n k) complete-data path, and the quantiles.

#include "scoring/psych/bootstrap.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <gtest/gtest.h>

#include "reliability_fixture_data.hpp"
#include "scoring/kernels/covariance.hpp"
#include "scoring/kernels/mt19937_64.hpp"
#include "scoring/psych/alpha.hpp"

namespace psyscore {
namespace {

TEST(BootstrapRandom, SplitMix64ReferenceOutputs) {
  // The reference implementation (Vigna, prng.di.unimi.it) from state 0.
  std::uint64_t state = 0;
  EXPECT_EQ(detail::splitmix64(state), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(detail::splitmix64(state), 0x6e789e6aa1b965f4ULL);
  EXPECT_EQ(detail::splitmix64(state), 0x06c45d188009454fULL);
  // Stream b of seed s is the (b+1)-th output from state s.
  EXPECT_EQ(detail::stream_seed(0, 0), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(detail::stream_seed(0, 2), 0x06c45d188009454fULL);
}

TEST(BootstrapRandom, Mt19937_64IsStdMt19937_64) {
  // Several blocks of 312 outputs, for seeds that exercise every bit.
  for (const std::uint64_t seed :
       std::vector<std::uint64_t>{0, 1, 5489, ~std::uint64_t{0}, detail::stream_seed(7, 3)}) {
    std::mt19937_64 reference(seed);
    detail::Mt19937_64 engine(seed);
    for (int i = 0; i < 2000; ++i) ASSERT_EQ(engine(), reference()) << "seed " << seed << " output " << i;
  }
  // [rand.predef]: the 10000th output of a default-constructed engine.
  detail::Mt19937_64 engine(5489);
  for (int i = 1; i < 10000; ++i) engine();
  EXPECT_EQ(engine(), 9981545732273789042ULL);
}

TEST(BootstrapRandom, UniformIndexStaysInRange) {
  std::mt19937_64 engine(1);
  EXPECT_EQ(detail::uniform_index(engine, 1), 0u);
  std::vector<int> hits(7, 0);
  for (int i = 0; i < 7000; ++i) ++hits[detail::uniform_index(engine, 7)];
  for (const int h : hits) EXPECT_GT(h, 850);
  std::vector<std::uint32_t> counts(100);
  detail::resample_counts(3, 4, counts);
  std::uint64_t total = 0;
  for (const auto c : counts) total += c;
  EXPECT_EQ(total, 100u);
}

TEST(BootstrapAlpha, IdenticalForAnyThreadCount) {
  for (const char* name : {"bfi_agreeableness" /* missing cells */, "negative_alpha" /* complete */}) {
    const Eigen::MatrixXd keyed = test::keyed_matrix(test::reliability_fixture(name));
    const detail::BootstrapResult one = detail::bootstrap_raw_alpha(keyed, 300, 42, 0.95, 1);
    for (const std::size_t threads : {2u, 4u, 7u}) {
      const detail::BootstrapResult many = detail::bootstrap_raw_alpha(keyed, 300, 42, 0.95, threads);
      EXPECT_EQ(one.samples, many.samples) << name << " threads " << threads;
      EXPECT_EQ(one.lower, many.lower) << name;
      EXPECT_EQ(one.median, many.median) << name;
      EXPECT_EQ(one.upper, many.upper) << name;
    }
    const detail::BootstrapResult other = detail::bootstrap_raw_alpha(keyed, 300, 43, 0.95, 2);
    EXPECT_NE(one.samples, other.samples) << name << " another seed";
  }
}

TEST(BootstrapAlpha, EachResampleIsRawAlphaOfItsRows) {
  // 71 resamples: the first block of resamples summed together, and a
  // second one that is not full.
  for (const char* name : {"bfi_agreeableness", "dichotomous", "n_le_k", "negative_alpha"}) {
    const Eigen::MatrixXd keyed = test::keyed_matrix(test::reliability_fixture(name));
    const detail::BootstrapResult boot = detail::bootstrap_raw_alpha(keyed, 71, 9, 0.95, 2);
    std::vector<std::uint32_t> counts(static_cast<std::size_t>(keyed.rows()));
    for (const std::size_t b : {0u, 1u, 2u, 63u, 64u, 70u}) {
      detail::resample_counts(9, b, counts);
      Eigen::MatrixXd rows(keyed.rows(), keyed.cols());
      Eigen::Index next = 0;
      for (Eigen::Index r = 0; r < keyed.rows(); ++r) {
        for (std::uint32_t c = 0; c < counts[static_cast<std::size_t>(r)]; ++c) rows.row(next++) = keyed.row(r);
      }
      const double expected = detail::raw_alpha_pairwise(rows);
      if (std::isnan(expected)) {
        EXPECT_TRUE(std::isnan(boot.samples[b])) << name << " resample " << b;
      } else {
        EXPECT_NEAR(boot.samples[b], expected, 1e-12 * std::abs(expected)) << name << " resample " << b;
      }
    }
  }
}

TEST(BootstrapAlpha, SubscalesShareTheDrawsAndGetTheirOwnResults) {
  // Three blocks over the same rows (the subscales of one wave), with and
  // without missing cells: each result is that of the block alone.
  const Eigen::MatrixXd all = test::keyed_matrix(test::reliability_fixture("bfi_agreeableness"));
  const std::vector<Eigen::MatrixXd> blocks = {all.leftCols(3), all.rightCols(2), all.leftCols(2).array().round()};
  ASSERT_TRUE(blocks[0].hasNaN());
  const std::vector<detail::BootstrapResult> together = detail::bootstrap_raw_alpha(blocks, 130, 5, 0.95, 2);
  ASSERT_EQ(together.size(), blocks.size());
  for (std::size_t s = 0; s < blocks.size(); ++s) {
    const detail::BootstrapResult alone = detail::bootstrap_raw_alpha(blocks[s], 130, 5, 0.95, 1);
    EXPECT_EQ(together[s].samples, alone.samples) << "block " << s;
    EXPECT_EQ(together[s].lower, alone.lower) << "block " << s;
    EXPECT_EQ(together[s].upper, alone.upper) << "block " << s;
    EXPECT_EQ(together[s].undefined, 0u) << "block " << s;
  }
  // A complete block too (no row of bfi is complete in every item).
  Eigen::MatrixXd complete = blocks[1];
  for (Eigen::Index r = 0; r < complete.rows(); ++r) {
    for (Eigen::Index j = 0; j < complete.cols(); ++j) {
      if (std::isnan(complete(r, j))) complete(r, j) = 3;
    }
  }
  const std::vector<Eigen::MatrixXd> mixed = {blocks[0], complete};
  const std::vector<detail::BootstrapResult> both = detail::bootstrap_raw_alpha(mixed, 70, 5, 0.95, 3);
  EXPECT_EQ(both[1].samples, detail::bootstrap_raw_alpha(complete, 70, 5, 0.95, 1).samples);
  EXPECT_EQ(both[0].samples, detail::bootstrap_raw_alpha(blocks[0], 70, 5, 0.95, 1).samples);
}

TEST(BootstrapAlpha, QuantilesArePlausible) {
  const Eigen::MatrixXd keyed = test::keyed_matrix(test::reliability_fixture("bfi_agreeableness"));
  const double alpha = detail::raw_alpha_pairwise(keyed);
  const detail::BootstrapResult boot = detail::bootstrap_raw_alpha(keyed, 1000, 7, 0.95, 0);
  EXPECT_EQ(boot.undefined, 0u);
  EXPECT_LT(boot.lower, boot.median);
  EXPECT_LT(boot.median, boot.upper);
  EXPECT_LT(boot.lower, alpha);
  EXPECT_GT(boot.upper, alpha);
  EXPECT_NEAR(boot.median, alpha, 0.005);
  // The bootstrap interval is close to Feldt's [0.685, 0.720] here.
  EXPECT_NEAR(boot.lower, 0.6853, 0.01);
  EXPECT_NEAR(boot.upper, 0.7201, 0.01);
  std::vector<double> sorted = boot.samples;
  std::ranges::sort(sorted);
  // The tails are (1 - level) / 2 as computed (0.025000000000000022 here).
  const double tail = (1 - 0.95) / 2;
  EXPECT_EQ(boot.lower, detail::quantile_type7(sorted, tail));
  EXPECT_EQ(boot.median, detail::quantile_type7(sorted, 0.5));
  EXPECT_EQ(boot.upper, detail::quantile_type7(sorted, 1 - tail));
  const detail::BootstrapResult narrow = detail::bootstrap_raw_alpha(keyed, 1000, 7, 0.5, 0);
  EXPECT_GT(narrow.lower, boot.lower);
  EXPECT_LT(narrow.upper, boot.upper);
  EXPECT_EQ(narrow.median, boot.median);
}

TEST(BootstrapAlpha, UndefinedResamplesAreCountedNotUsed) {
  // Two of three rows identical: some resamples have no variance at all.
  Eigen::MatrixXd x(3, 2);
  x << 1, 1, 1, 1, 2, 3;
  const detail::BootstrapResult boot = detail::bootstrap_raw_alpha(x, 200, 1, 0.95, 2);
  EXPECT_GT(boot.undefined, 0u);
  EXPECT_LT(boot.undefined, 200u);
  EXPECT_TRUE(std::isfinite(boot.median));
}

// Every block of resamples looks at the deadline first: one that has passed
// stops the bootstrap (for every item block at once) with no quantiles; one
// far off changes nothing.
TEST(BootstrapAlpha, StopsOnceItsDeadlinePassed) {
  const Eigen::MatrixXd all = test::keyed_matrix(test::reliability_fixture("bfi_agreeableness"));
  const std::vector<Eigen::MatrixXd> blocks = {all.leftCols(3), all.rightCols(2)};
  for (const std::size_t threads : {1u, 3u}) {
    const std::vector<detail::BootstrapResult> stopped =
        detail::bootstrap_raw_alpha(blocks, 500, 5, 0.95, threads, Deadline::after(std::chrono::milliseconds(0)));
    for (const detail::BootstrapResult& result : stopped) {
      EXPECT_TRUE(result.stopped) << threads << " threads";
      EXPECT_TRUE(std::isnan(result.lower) && std::isnan(result.median) && std::isnan(result.upper));
    }
    const std::vector<detail::BootstrapResult> unhurried =
        detail::bootstrap_raw_alpha(blocks, 500, 5, 0.95, threads, Deadline::after(std::chrono::hours(1)));
    const std::vector<detail::BootstrapResult> free = detail::bootstrap_raw_alpha(blocks, 500, 5, 0.95, threads);
    for (std::size_t s = 0; s < blocks.size(); ++s) {
      EXPECT_FALSE(unhurried[s].stopped);
      EXPECT_EQ(unhurried[s].samples, free[s].samples) << "block " << s;
      EXPECT_EQ(unhurried[s].lower, free[s].lower) << "block " << s;
    }
  }
}

}  // namespace
}  // namespace psyscore
