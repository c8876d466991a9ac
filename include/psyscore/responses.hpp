// One wave of responses to an instrument, decoded from JSON or CSV.
//
// Decoding maps answers to the instrument's items and checks each against its
// item's scale. A structural problem (malformed JSON or CSV, a ragged row, a
// missing id) fails the whole wave; an answer that is off the scale only
// marks its respondent, who then gets `scores: null` while the rest is scored.
//
//   auto wave = psyscore::decode_csv_responses(*instrument, text, {.source = "pre.csv"});
//   if (!wave) return fail(wave.error());
//   for (std::size_t r = 0; r < wave->respondent_count(); ++r) use(wave->row(r));
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "psyscore/errors.hpp"
#include "psyscore/instrument.hpp"

namespace psyscore {

enum class AnswerErrorCode { out_of_range, off_step, not_a_number, unknown_item };
std::string_view to_string(AnswerErrorCode code);

// Why one answer of one respondent could not be used.
struct AnswerError {
  std::string item;  // the item id as given in the input
  AnswerErrorCode code = AnswerErrorCode::not_a_number;
  std::string message;
};

// A respondent attribute (years of participation, teaching, age): numeric
// when given as numbers (JSON) or when every non-missing cell of its CSV
// column is a number, else categorical. Covariates are data about people:
// nothing in psyscore logs them.
struct Covariate {
  std::string name;
  bool numeric = false;
  std::vector<double> numbers;      // numeric: one per respondent, NaN = missing
  std::vector<std::string> labels;  // categorical: one per respondent, empty = missing

  bool missing(std::size_t respondent) const {
    return numeric ? std::isnan(numbers[respondent]) : labels[respondent].empty();
  }
};

// Respondents x items, raw (unkeyed) answers, NaN = missing, in one
// contiguous row-major block; columns follow Instrument::items.
struct ResponseMatrix {
  std::size_t item_count = 0;
  std::vector<std::string> ids;
  std::vector<double> answers;                   // ids.size() * item_count values
  std::vector<std::vector<AnswerError>> errors;  // per respondent; empty = usable
  std::vector<std::string> warnings;             // e.g. ignored CSV columns
  std::vector<std::string> groups;               // per respondent, when a group column was read
  std::vector<Covariate> covariates;             // in order of first appearance (CSV: covariate_columns order)

  std::size_t respondent_count() const { return ids.size(); }
  std::span<const double> row(std::size_t respondent) const {
    return {answers.data() + respondent * item_count, item_count};
  }
  double at(std::size_t respondent, std::size_t item) const { return answers[respondent * item_count + item]; }
  bool usable(std::size_t respondent) const { return errors[respondent].empty(); }
  std::size_t usable_count() const;
  // The covariate called `name`, or null.
  const Covariate* covariate(std::string_view name) const;
};

inline bool is_missing(double answer) { return std::isnan(answer); }

struct CsvOptions {
  std::string source;            // file name for messages; may be empty
  std::string id_column = "id";  // the column that holds respondent ids
  std::string column_prefix;     // column "<prefix><item id>" holds an item
  std::string group_column;      // when set, this column's values fill ResponseMatrix::groups
  // The field delimiter: ',', ';' or '\t'; 0 detects it from the header row
  // (the one of the three it holds most of; ',' on a tie). With ';' or tab,
  // an answer may have a decimal comma ("2,5"), as European spreadsheets
  // write it.
  char delimiter = 0;
  // Columns read as covariates (ResponseMatrix::covariates), in this order.
  // Default: none. Each must be in the header.
  std::vector<std::string> covariate_columns;
};

// The formats a wave of responses comes in. SPSS covers .sav and .zsav.
enum class InputFormat : std::uint8_t { json, csv, spss, stata, sas };
std::string_view to_string(InputFormat format);

// The format of an input by its content: SPSS, Stata (formats 104-119) and
// SAS by their magic numbers, JSON when its first byte that is not white
// space is '{', else CSV.
InputFormat detect_input_format(std::string_view bytes);
// The format a file name's extension names (.sav, .zsav, .dta, .sas7bdat,
// .json, .csv, .tsv, .txt, in any case), or nullopt.
std::optional<InputFormat> input_format_from_file_name(std::string_view file_name);

// Decodes a wave in any format: every command and endpoint that takes a
// wave takes it through here. `options` name the columns of every format
// but JSON; `options.source` names the input in problems. SPSS, Stata and
// SAS files are read with ReadStat: user-missing and system-missing values
// are missing answers, a group column's value labels are its groups, and
// problems name the variable and the case number.
Result<ResponseMatrix> decode_responses(const Instrument& instrument, std::string_view bytes, InputFormat format,
                                        const CsvOptions& options = {});

// Decodes `{"responses": [{"id": "p01", "answers": {"1": 3, ...},
// "covariates": {"age": 51, "teaching": "yes"}}, ...]}` ("covariates" is
// optional; a string is categorical, a number numeric, null missing).
// Errors: `malformed` (syntax, wrong types, unknown keys, with a JSON pointer),
// `invalid` (duplicate respondent ids; a covariate that is a number for some
// respondents and text for others; more than 100 covariates).
Result<ResponseMatrix> decode_json_responses(const Instrument& instrument, std::string_view json_text);

// Decodes RFC 4180 CSV: a header row, an id column, one column per item.
// An empty cell or `NA` is missing; other columns are ignored with a warning.
// A covariate column is numeric when every non-missing cell is a number.
// Errors: `malformed` (quoting, ragged rows, duplicate or missing columns,
// empty ids, with line and column), `invalid` (duplicate respondent ids; a
// covariate column that is not in the header; a covariate column of numbers
// with some text in it, i.e. more numbers than text, at the first text cell).
Result<ResponseMatrix> decode_csv_responses(const Instrument& instrument, std::string_view text,
                                            const CsvOptions& options = {});

}  // namespace psyscore
