// The score result as CSV: a row per respondent with, per subscale, the
// value, the number of items answered, and the band, z and t where the
// subscale has them; the last column joins the respondent's errors. Numbers
// are written as the JSON encoder writes them. The CLI's `score --format
// csv` writes it a chunk at a time; the service's score endpoint (Accept:
// text/csv) in one piece, with the same bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "psyscore/instrument.hpp"
#include "psyscore/responses.hpp"
#include "psyscore/scoring.hpp"
#include "scoring/util/json_writer.hpp"

namespace psyscore::detail {

// Appends `text` as one CSV field, quoted when it holds a comma, quote or
// line break.
void append_csv_field(std::string& out, std::string_view text);

class ScoreCsvWriter {
 public:
  explicit ScoreCsvWriter(const Instrument& instrument) : instrument_(instrument) {}

  // Appends the header row.
  void begin(std::string& out) const;
  // Appends a row for every respondent of `responses`, scored in `table`.
  void add(std::string& out, const ResponseMatrix& responses, const ScoreTable& table);

 private:
  void number(std::string& out, const std::optional<double>& x);

  const Instrument& instrument_;
  NumberFormatter numbers_;
  std::string errors_;  // one respondent's, joined
};

// score() then the CSV of the whole wave.
std::string score_and_encode_csv(const Instrument& instrument, const ResponseMatrix& responses);

}  // namespace psyscore::detail
