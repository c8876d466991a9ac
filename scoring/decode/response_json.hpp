// Decoding a JSON array of respondents that sits anywhere in a request body
// (`/responses`, `/pre`, `/groups/controls`, ...). Private to the engine.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "psyscore/responses.hpp"

namespace psyscore::detail {

// `value` must be an array of {"id", "answers"} objects; `pointer` locates
// it in the body for messages.
Result<ResponseMatrix> decode_response_array(const Instrument& instrument, const boost::json::value& value,
                                             const std::string& pointer);

// The common case, decoded straight from the text without building a
// document: a body that is exactly `{"<key>": [{"id": ..., "answers":
// {...}}, ...]}`, ids and item ids in printable ASCII without escapes,
// answers whole numbers, null, strings or booleans, no repeated key and no
// repeated id. Returns nullopt for any other text, valid or not; the caller
// then parses the body and calls decode_response_array, which names the
// problems. When it returns a wave, that wave is exactly what
// decode_response_array gives for the same body (tests/scoring/
// responses_test.cpp compares the two).
std::optional<ResponseMatrix> decode_response_body_fast(const Instrument& instrument, std::string_view body,
                                                        std::string_view key);

}  // namespace psyscore::detail
