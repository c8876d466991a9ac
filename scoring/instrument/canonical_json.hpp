// The canonical serialization of a definition, whose SHA-256 identifies it.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/value.hpp>

namespace psyscore::detail {

// Object keys sorted by their UTF-8 bytes, no white space, strings escaped as
// JSON requires and no more, numbers in the shortest form that reads back to
// the same double (so 4, 4.0 and 4e0 are all "4").
std::string canonical_json(const boost::json::value& value);

// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

}  // namespace psyscore::detail
