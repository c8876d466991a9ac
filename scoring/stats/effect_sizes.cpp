#include "scoring/stats/effect_sizes.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include "scoring/stats/descriptives.hpp"

namespace psyscore::detail {

double hedges_j(double df) {
  if (!(df > 1)) return std::numeric_limits<double>::quiet_NaN();
  return std::exp(std::lgamma(df / 2) - std::log(std::sqrt(df / 2)) - std::lgamma((df - 1) / 2));
}

PairedEffectSizes paired_effect_sizes(std::span<const double> pre, std::span<const double> post) {
  std::vector<double> differences(pre.size());
  for (std::size_t i = 0; i < pre.size(); ++i) differences[i] = post[i] - pre[i];
  const double mean_difference = mean(differences);
  const double sd_difference = standard_deviation(differences);

  PairedEffectSizes effect;
  effect.r_pre_post = correlation(pre, post);
  effect.d_z = mean_difference / sd_difference;
  effect.d_av = mean_difference / std::sqrt((variance(pre) + variance(post)) / 2);
  effect.d_rm = mean_difference * std::sqrt(2 * (1 - effect.r_pre_post)) / sd_difference;
  effect.j = hedges_j(static_cast<double>(pre.size()) - 1);
  effect.g_z = effect.j * effect.d_z;
  effect.g_av = effect.j * effect.d_av;
  return effect;
}

}  // namespace psyscore::detail
