// Reading JSON input: parsing with located syntax errors, JSON pointers, and
// the type names used in messages. Private to the engine.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "psyscore/errors.hpp"

namespace psyscore::detail {

// Parses `text`. A syntax error gives ErrorCode::malformed with a Problem
// that has the 1-based line and column of the offending character.
// Numbers that are not finite, invalid UTF-8 and nesting deeper than 64 are
// syntax errors too.
Result<boost::json::value> parse_json(std::string_view text, std::string_view source = {},
                                      boost::json::storage_ptr storage = {});

// `base` + "/" + `token`, with "~" and "/" in the token escaped (RFC 6901).
std::string pointer_append(std::string_view base, std::string_view token);
std::string pointer_append(std::string_view base, std::size_t index);

// "an object", "a string", "a number", ... for messages.
std::string_view describe_type(const boost::json::value& value);

// The value as a double, when it is a JSON number.
bool get_number(const boost::json::value& value, double& out);

}  // namespace psyscore::detail
