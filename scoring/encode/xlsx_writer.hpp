// `score --format xlsx`: the scores as an Excel workbook (libxlsxwriter).
// Private to the engine.
//
// Sheet "scores": a header row with the columns of the CSV output
// (score_columns), then a row per respondent; numbers are numbers, bands
// their labels, a score without a value an empty cell. Sheet "instrument":
// the instrument's id, version, name, SHA-256, citation and licence, then its
// subscales with their methods and bands, so the workbook says what made it.
//
// libxlsxwriter 1.1.4 writes only to a file: the workbook goes to a private
// temporary file (mkstemp) that is read back and removed.
#pragma once

#include <string>

#include "psyscore/errors.hpp"
#include "psyscore/instrument.hpp"
#include "psyscore/responses.hpp"
#include "psyscore/scoring.hpp"

namespace psyscore::detail {

// Excel's limit: 1,048,576 rows, the header one of them.
inline constexpr std::size_t kMaxXlsxRespondents = 1'048'575;

// The .xlsx bytes. Errors: `invalid` for more respondents than a sheet
// holds; `io_error` when the temporary file cannot be written or read.
Result<std::string> encode_score_xlsx(const Instrument& instrument, const ResponseMatrix& responses,
                                      const ScoreTable& table);

}  // namespace psyscore::detail
