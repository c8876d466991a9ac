// Where a controlled design becomes weak enough to warn about: the analysis's
// warnings (controlled.cpp) and the report's plain-language notes
// (report_controlled.cpp) use the same limits. Private to the engine.
#pragma once

#include <cstddef>

namespace psyscore::detail {

// Below this many pairs in a group, the ANCOVA rests on a handful of people.
inline constexpr std::size_t kControlledSmallGroup = 5;
// A group at least this many times larger than another makes the F test
// sensitive to unequal variances.
inline constexpr double kControlledUnequalRatio = 2.0;
// Groups further apart than this at baseline (in pooled SDs) were not made
// comparable by randomisation.
inline constexpr double kControlledBaselineImbalance = 0.5;
// The interaction test's level for the warning that slopes differ.
inline constexpr double kControlledInteractionLevel = 0.05;

}  // namespace psyscore::detail
