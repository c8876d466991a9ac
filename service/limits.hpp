// The limits of ServiceLimits that depend on what a request holds: the
// items and subscales of an inline definition, its respondents, the size of
// a reliability bootstrap and its waves. Each check runs before the work it
// bounds and gives ErrorCode::invalid (422) with a "too_many_<what>"
// problem at the JSON pointer at fault (empty for a text/csv body), whose
// message names the limit, its `psyscore serve` flag and what the request
// holds.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "psyscore/errors.hpp"
#include "psyscore/instrument.hpp"
#include "psyscore/reliability.hpp"
#include "state.hpp"

namespace psyscore::service {

// An inline definition (at `pointer`) with more items or subscales than
// --max-items or --max-subscales allow. Only the lengths of its "items" and
// "subscales" arrays are read: anything else is the validator's to judge.
std::optional<Error> check_definition_size(const ServiceLimits& limits, const boost::json::value& definition,
                                           std::string_view pointer);

// More respondents than --max-respondents. `what` names them in the
// message ("respondents", "respondent-waves").
std::optional<Error> check_respondents(const ServiceLimits& limits, std::size_t respondents, std::string pointer,
                                       std::string_view what = "respondents");

// A bootstrap of `options` over `respondents` that would resample more
// answers than --max-bootstrap-answers: iterations x respondents x the items
// of the subscales analysed (every subscale of 2 or more items when none is
// named). Nothing without a bootstrap.
std::optional<Error> check_bootstrap_size(const ServiceLimits& limits, const Instrument& instrument,
                                          const ReliabilityOptions& options, std::size_t respondents,
                                          std::string pointer);

// More waves than --max-waves.
std::optional<Error> check_waves(const ServiceLimits& limits, std::size_t waves, std::string pointer);

}  // namespace psyscore::service
