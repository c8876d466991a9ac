// The engine's one Boost.Math error policy: a distribution evaluated where it is not
// defined gives NaN instead of throwing, so an undefined statistic stays undefined
// (encoded as null) and no exception leaves a statistics function.
#pragma once

#include <boost/math/policies/policy.hpp>

namespace psyscore::detail {

using MathPolicy =
    boost::math::policies::policy<boost::math::policies::domain_error<boost::math::policies::ignore_error>,
                                  boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
                                  boost::math::policies::evaluation_error<boost::math::policies::ignore_error>>;

}  // namespace psyscore::detail
