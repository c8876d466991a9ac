// Holm's step-down adjustment of a family of p values. Private to the engine.
#pragma once

#include <span>
#include <vector>

namespace psyscore::detail {

// R's p.adjust(p, "holm"): the i-th smallest of the m p values is multiplied
// by m - i + 1, made monotone with a running maximum and capped at 1; the
// result is in the input order. NaN entries stay NaN and do not count in m.
std::vector<double> holm_adjust(std::span<const double> p);

}  // namespace psyscore::detail
