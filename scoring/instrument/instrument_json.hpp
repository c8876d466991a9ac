// Validating a definition that is already parsed, e.g. the "instrument"
// member of a request body. Private to the engine and the service.
#pragma once

#include <string_view>

#include <boost/json/value.hpp>

#include "psyscore/instrument.hpp"

namespace psyscore::detail {

// As parse_instrument(), with every problem's pointer prefixed by
// `pointer_prefix` (e.g. "/instrument").
Result<InstrumentPtr> instrument_from_json(const boost::json::value& document, std::string_view source,
                                           std::string_view pointer_prefix);

}  // namespace psyscore::detail
