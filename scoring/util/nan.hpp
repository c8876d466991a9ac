// Inside the engine an undefined number is NaN, as a missing answer is: it
// flows through the kernels' arithmetic without a branch per value. Public
// results carry psyscore::Statistic instead, which is empty when built from
// a NaN: the conversion happens at that boundary, by construction.
#pragma once

#include <limits>

namespace psyscore::detail {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace psyscore::detail
