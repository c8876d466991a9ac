// The score result of docs/api.md written a chunk of respondents at a time, so
// that a wave too large to hold can be scored and written as it is read
// (the CLI's `score`). Private to the engine; encode_score_result is one
// begin(), one add() and one end() over the whole wave, so both write the
// same bytes.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "psyscore/instrument.hpp"
#include "psyscore/responses.hpp"
#include "psyscore/scoring.hpp"
#include "scoring/util/json_writer.hpp"

namespace psyscore::detail {

class ScoreResultWriter {
 public:
  explicit ScoreResultWriter(const Instrument& instrument);

  // Appends {"instrument":{...},"results":[
  void begin(std::string& out) const;
  // Appends the result of every respondent of `responses`, scored in
  // `table`.
  void add(std::string& out, const ResponseMatrix& responses, const ScoreTable& table);
  // The same, scoring each respondent as it is written, without a table;
  // adds to `between_bands` (one count per subscale) what
  // ScoreTable::between_bands would hold.
  void add(std::string& out, const ResponseMatrix& responses, std::span<std::size_t> between_bands);
  // Appends ],"summary":{...},"warnings":[...]} and a newline; the summary
  // counts the respondents of every add(). `warnings` are the wave's: those
  // of decoding, then those of scoring.
  void end(std::string& out, const std::vector<std::string>& warnings) const;

 private:
  // The text between the numbers of one subscale's score, written once.
  struct SubscaleText {
    std::string open;                     // ["," ]"<id>":{"value":
    std::vector<std::string> band_field;  // ,"band":"<label>" per band
    bool has_bands = false;
    bool has_norms = false;
  };

  // Appends the results of `responses`; `scores_of(row)` gives the scores
  // of a usable respondent, one per subscale.
  template <class ScoresOf>
  void add_rows(std::string& out, const ResponseMatrix& responses, const ScoresOf& scores_of);
  // Writes one score at `out`; returns the end.
  char* write_score(char* out, const SubscaleText& text, const SubscaleScore& score);

  const Instrument& instrument_;
  std::vector<SubscaleText> subscales_;
  std::size_t scores_bytes_ = 0;  // room for a respondent's scores, but for their reasons
  NumberFormatter numbers_;
  std::vector<SubscaleScore> row_scores_;  // one respondent's, when scoring as it writes
  std::size_t respondents_ = 0;
  std::size_t with_errors_ = 0;
};

// score() then encode_score_result(), in one pass without the ScoreTable
// (which takes more memory than the text it becomes): the same bytes.
std::string score_and_encode(const Instrument& instrument, const ResponseMatrix& responses);

}  // namespace psyscore::detail
