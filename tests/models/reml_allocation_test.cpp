// The REML criterion allocates nothing per respondent: evaluating it (with the
// one-time reduction of the data to per-respondent blocks) makes as many heap
// allocations for 2,000 respondents as for 20, for the random intercept and
// for the random intercept and slope. Counted with a replaced operator new.
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <new>

#include <gtest/gtest.h>

#include "scoring/models/linear_mixed_model.hpp"

namespace {
std::atomic<std::size_t> allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace psyscore::test {
namespace {

// Three waves per respondent, scores from a fixed pattern.
detail::MixedModelData three_waves(Eigen::Index respondents, bool slope) {
  detail::MixedModelData data;
  const Eigen::Index n = 3 * respondents;
  data.x = Eigen::MatrixXd::Zero(n, slope ? 2 : 3);
  data.z = Eigen::MatrixXd::Ones(n, slope ? 2 : 1);
  data.y.resize(n);
  data.groups = respondents;
  data.group.reserve(static_cast<std::size_t>(n));
  for (Eigen::Index r = 0; r < n; ++r) {
    const Eigen::Index person = r / 3;
    const Eigen::Index wave = r % 3;
    data.group.push_back(person);
    data.x(r, 0) = 1;
    if (slope) {
      data.x(r, 1) = data.z(r, 1) = static_cast<double>(wave + 1);
    } else if (wave > 0) {
      data.x(r, wave) = 1;
    }
    data.y(r) = 20 + static_cast<double>((person * 7) % 11) - 1.5 * static_cast<double>(wave) +
                static_cast<double>((person * 13 + wave * 5) % 7) / 3;
  }
  return data;
}

TEST(RemlAllocation, DoesNotGrowWithRespondents) {
  for (const bool slope : {false, true}) {
    const detail::MixedModelData small = three_waves(20, slope);
    const detail::MixedModelData large = three_waves(2000, slope);
    Eigen::VectorXd theta = Eigen::VectorXd::Ones(slope ? 3 : 1);
    if (slope) theta(1) = 0.2;
    const std::size_t before_small = allocations.load();
    const double a = detail::reml_criterion(small, theta);
    const std::size_t small_count = allocations.load() - before_small;
    const std::size_t before_large = allocations.load();
    const double b = detail::reml_criterion(large, theta);
    const std::size_t large_count = allocations.load() - before_large;
    EXPECT_TRUE(std::isfinite(a) && std::isfinite(b)) << (slope ? "slope" : "intercept");
    EXPECT_EQ(small_count, large_count) << (slope ? "slope" : "intercept");
  }
}

}  // namespace
}  // namespace psyscore::test
