// Decoding a JSON array of respondents that sits anywhere in a request body
// (`/responses`, `/pre`, `/groups/controls`, ...). Private to the engine.
#pragma once

#include <string>

#include <boost/json/value.hpp>

#include "psyscore/responses.hpp"

namespace psyscore::detail {

// `value` must be an array of {"id", "answers"} objects; `pointer` locates
// it in the body for messages.
Result<ResponseMatrix> decode_response_array(const Instrument& instrument, const boost::json::value& value,
                                             const std::string& pointer);

}  // namespace psyscore::detail
