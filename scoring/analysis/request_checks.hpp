// What the checks of change(), compare() and reliability() share: problems
// located by JSON pointer, the `invalid` error that carries them, the error
// of a deadline that passed, and the choice of subscales. Private to the
// engine.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "psyscore/deadline.hpp"
#include "psyscore/errors.hpp"
#include "psyscore/instrument.hpp"
#include "psyscore/responses.hpp"

namespace psyscore::detail {

// `text` in double quotes, for naming ids in messages.
std::string in_quotes(std::string_view text);

// A problem located by a JSON pointer into the request.
Problem problem_at(std::string pointer, std::string code, std::string message);

// An ErrorCode::invalid error with every problem; its message is the
// problem's own when there is one, else `several`.
Error invalid(std::vector<Problem> problems, std::string several);
// The same, with "N problems with the <request>" when there are several.
Error invalid_request(std::vector<Problem> problems, std::string_view request);

// The analysis stopped because `deadline` passed: ErrorCode::invalid with one
// "deadline_exceeded" problem naming the budget.
Error deadline_exceeded(const Deadline& deadline);

// The subscales to analyse: the `requested` ids in their order without
// repeats, or every subscale when none is requested. An unknown id adds an
// "unknown_subscale" problem at /subscales/<index>.
std::vector<std::size_t> select_subscales(const Instrument& instrument, const std::vector<std::string>& requested,
                                          std::vector<Problem>& problems);

// Whether `wave` has the shape of responses decoded for `instrument`.
bool decoded_for(const Instrument& instrument, const ResponseMatrix& wave);

}  // namespace psyscore::detail
