// The one JSON encoder of psyscore's results: the HTTP service sends these
// strings as response bodies and the CLI prints them, so both are identical
// byte for byte. Every encoder returns compact JSON ending in a newline;
// numbers use the shortest form that reads back to the same double, and a
// value that is not finite is written as null.
//
//   std::cout << psyscore::encode_score_result(*instrument, wave, table);
#pragma once

#include <string>

#include "psyscore/change.hpp"
#include "psyscore/compare.hpp"
#include "psyscore/controlled.hpp"
#include "psyscore/errors.hpp"
#include "psyscore/instrument.hpp"
#include "psyscore/reliability.hpp"
#include "psyscore/responses.hpp"
#include "psyscore/scoring.hpp"

namespace psyscore {

// {"instruments": [{"id", "version", "name", "items", "subscales", "sha256"}, ...]}
std::string encode_registry(const Registry& registry);

// {"valid": true, "sha256": "..."}
std::string encode_validation(const Instrument& instrument);

// The score result of docs/api.md: instrument, results, summary, warnings.
std::string encode_score_result(const Instrument& instrument, const ResponseMatrix& responses, const ScoreTable& table);

// The reliability result of docs/api.md: instrument, missing, ci_level, one entry
// per analysed subscale, warnings (extra fields: docs/statistics.md).
std::string encode_reliability_result(const Instrument& instrument, const ReliabilityReport& report);

// The change result of docs/api.md: instrument, ci_level, pairing, one entry per
// analysed subscale, holm, warnings (extra fields: docs/statistics.md).
std::string encode_change_result(const Instrument& instrument, const ChangeReport& report);

// The controlled result: instrument, ci_level, reference, groups, one entry
// per analysed subscale (groups, ancova, change_welch), warnings (extra
// fields: docs/statistics.md).
std::string encode_controlled_result(const Instrument& instrument, const ControlledReport& report);

// The compare result of docs/api.md: instrument, ci_level, groups, one entry per
// analysed subscale, warnings (extra fields: docs/statistics.md).
std::string encode_compare_result(const Instrument& instrument, const CompareReport& report);

// {"errors": [{"source", "pointer", "line", "column", "code", "message"}]}:
// the located problems of an Error, for a problem body or a terminal.
std::string encode_problems(const Error& error);

}  // namespace psyscore
