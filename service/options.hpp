// Decoding the "options" of analysis requests, from a JSON body or (for
// text/csv bodies) from the query string. Wrong types are ErrorCode::malformed
// (400) and impossible values ErrorCode::invalid (422), each with the JSON
// pointer (or query parameter) at fault.
#pragma once

#include <boost/json/object.hpp>

#include "psyscore/change.hpp"
#include "psyscore/compare.hpp"
#include "psyscore/controlled.hpp"
#include "psyscore/reliability.hpp"
#include "request.hpp"

namespace psyscore::service {

// Options come in the body's "options" object; every option is optional.
Result<ReliabilityOptions> reliability_options(const boost::json::object& body, const ServiceLimits& limits);
Result<ReliabilityOptions> reliability_options(const RequestContext& context, const ServiceLimits& limits);
Result<ChangeOptions> change_options(const boost::json::object& body);
Result<ControlledOptions> controlled_options(const boost::json::object& body);
Result<CompareOptions> compare_options(const boost::json::object& body);
Result<CompareOptions> compare_options(const RequestContext& context);

}  // namespace psyscore::service
