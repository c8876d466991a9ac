// The columns of a score result written as a table (the CSV, SPSS and Excel
// outputs of `score`): the id, then per subscale its value, the number of
// items answered, the band where the subscale has bands, z and T where it
// has norms, then the respondent's errors. Private to the engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "psyscore/instrument.hpp"
#include "psyscore/responses.hpp"
#include "psyscore/scoring.hpp"

namespace psyscore::detail {

struct ScoreColumn {
  enum class Kind : std::uint8_t { id, value, answered, band, z, t, errors };
  Kind kind = Kind::value;
  std::size_t subscale = 0;  // for the subscale's columns
  std::string name;          // as in the CSV output: "total", "total_answered", ...
  std::string label;         // a sentence from the definition, for a variable label
};

std::vector<ScoreColumn> score_columns(const Instrument& instrument);

// The number in a subscale column of a usable respondent, or nullopt (a
// score without a value, a band index as 1-based code, no band).
std::optional<double> score_number(const ScoreColumn& column, const SubscaleScore& score);

// A respondent's errors joined with "; ".
std::string joined_errors(const ResponseMatrix& responses, std::size_t respondent);

}  // namespace psyscore::detail
