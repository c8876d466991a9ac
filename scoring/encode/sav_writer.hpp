// `score --format sav`: the scores as an SPSS data file, written in memory
// with ReadStat. Private to the engine.
//
// One case per respondent and the columns of the CSV output (score_columns):
// the id and errors as strings, scores as numbers (system-missing where a
// score has no value or the respondent was not scored), each band as its
// 1-based index with the band labels as value labels, variable labels from
// the definition, and the instrument's id, version, SHA-256 and citation in
// the file label and the file's notes (SPSS "documents").
#pragma once

#include <string>

#include "psyscore/errors.hpp"
#include "psyscore/instrument.hpp"
#include "psyscore/responses.hpp"
#include "psyscore/scoring.hpp"

namespace psyscore::detail {

// SPSS variable names for the columns: a subscale id such as "2-burnout"
// becomes "s2_burnout" (a name starts with a letter and holds no '-'),
// unique, at most 64 bytes.
std::string spss_variable_name(std::string_view name);

// The .sav bytes. Errors: `invalid` when ReadStat refuses the file (more
// respondents than a .sav can count), with its reason.
Result<std::string> encode_score_sav(const Instrument& instrument, const ResponseMatrix& responses,
                                     const ScoreTable& table);

}  // namespace psyscore::detail
