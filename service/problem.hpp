// RFC 9457 problem responses, and the one mapping from engine errors to
// HTTP statuses.
#pragma once

#include <string>
#include <string_view>

#include "psyscore/errors.hpp"
#include "router.hpp"

namespace psyscore::service {

// 400 malformed, 422 invalid, 404 not found; an io_error cannot come from a
// request body and is reported as 422.
int status_of(ErrorCode code);

// An application/problem+json response for an engine error; every Problem
// becomes an entry of "errors" with its pointer (and line and column for CSV).
// A deadline the engine stopped at (problem "deadline_exceeded") is a 422
// naming --deadline-ms.
ApiResponse problem(const Error& error);
ApiResponse problem(int status, std::string detail, std::string_view pointer = {}, std::string_view code = {});

}  // namespace psyscore::service
