#include "scoring/stats/holm.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>

namespace psyscore::detail {

std::vector<double> holm_adjust(std::span<const double> p) {
  std::vector<double> adjusted(p.begin(), p.end());
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!std::isnan(p[i])) order.push_back(i);
  }
  const std::size_t m = order.size();
  if (m <= 1) return adjusted;
  // R's order() is stable, so equal p values keep their input order.
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  double running_max = 0;
  for (std::size_t rank = 0; rank < m; ++rank) {
    running_max = std::max(running_max, static_cast<double>(m - rank) * p[order[rank]]);
    adjusted[order[rank]] = std::min(1.0, running_max);
  }
  return adjusted;
}

}  // namespace psyscore::detail
