// Responses in the files statistics packages keep them in: SPSS (.sav and
// the compressed .zsav), Stata (.dta) and SAS (.sas7bdat), read from memory
// with ReadStat. Private to the engine.
//
// A file is one wave: one case per respondent, the id, item, group and other
// columns named as in a CSV (CsvOptions), so a survey exported from SPSS is
// scored the way its CSV export would be. Missing answers are the package's
// own: SPSS system-missing and user-missing values (e.g. 9 = "no answer"),
// Stata's and SAS's `.` and `.a`-`.z`, and empty strings. A numeric column
// with value labels (1 = "control", 2 = "Balint group") gives its labels
// where a column names a category, as a group does; ids and answers are
// always the stored values.
//
// Problems name the variable and the 1-based case number. A file with more
// variables, cases or stored values than the limits allow is refused with
// the numbers before they are stored, so that a small compressed file
// cannot make the decoder allocate without bound.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "psyscore/errors.hpp"
#include "psyscore/instrument.hpp"
#include "psyscore/responses.hpp"

namespace psyscore::detail {

// The statistics packages' formats ReadStat reads. SPSS covers .sav and the
// zlib-compressed .zsav, which ReadStat tells apart by content.
enum class StatFormat : std::uint8_t { spss, stata, sas };

// "SPSS", "Stata" or "SAS", for messages.
std::string_view format_name(StatFormat format);

// The format by file name extension (.sav, .zsav, .dta, .sas7bdat, in any
// case), or nullopt.
std::optional<StatFormat> stat_format_from_extension(std::string_view file_name);
// The format by HTTP media type: application/x-spss-sav,
// application/x-stata-dta or application/x-sas-data (parameters after ';'
// are ignored), or nullopt.
std::optional<StatFormat> stat_format_from_media_type(std::string_view media_type);
// The format by the file's first bytes (the magic numbers of .sav, .zsav,
// .dta 104-119 and .sas7bdat), or nullopt for anything else, such as a CSV.
std::optional<StatFormat> sniff_stat_format(std::string_view bytes);

struct StatLimits {
  std::size_t max_variables = 10'000;  // in the file, kept or not
  std::size_t max_cases = 1'000'000;
  std::size_t max_values = 20'000'000;  // values kept: kept variables x cases
};

// One variable of a file, with the values of every case.
struct StatColumn {
  std::string name;
  std::string label;  // the variable label; may be empty
  bool numeric = true;
  std::vector<double> numbers;     // numeric: per case, NaN = missing of any kind
  std::vector<std::string> texts;  // string: per case, "" = missing
  // Value labels of a numeric column, sorted by value.
  std::vector<std::pair<double, std::string>> value_labels;

  // The label of `value`, or nullopt.
  std::optional<std::string_view> label_of(double value) const;
  bool missing(std::size_t row) const;
  // The value of case `row` as text: the string, the number in shortest
  // round-trip form (whole numbers without a fraction), or, when
  // `use_labels` and the value has a label, its label. Empty when missing.
  std::string text(std::size_t row, bool use_labels) const;
};

// The variables of a file that were asked for, in file order.
struct StatTable {
  std::size_t case_count = 0;
  std::vector<std::string> variable_names;  // every variable of the file, kept or not
  std::vector<StatColumn> columns;          // the kept ones
  std::string file_label;

  // The kept column named `name`, or nullptr.
  const StatColumn* find(std::string_view name) const;
};

struct StatReadOptions {
  std::string source;  // file name for messages; may be empty
  StatLimits limits;
  // Which variables to keep, by name; all when empty. Values of the others
  // are never stored.
  std::function<bool(std::string_view name)> keep;
};

// Reads a whole file from memory.
// Errors: `malformed` (a file ReadStat cannot parse, with its reason),
// `invalid` (too_many_variables, too_many_cases, too_many_values: the
// file's number and the limit).
Result<StatTable> read_stat_table(std::string_view bytes, StatFormat format, const StatReadOptions& options);

// Decodes a wave from a file: `options.id_column` holds ids,
// `<column_prefix><item id>` holds an item, `options.group_column` (when
// set) the group, its value label if it has one. Other variables are
// ignored with a warning, items without a variable warned about, as for CSV.
// Errors: those of read_stat_table; `malformed` for a missing id or group
// column or an empty id or group (naming the case); `invalid` for no item
// column or repeated ids (with `ids_per_group`, ids repeated within a group:
// a long file whose group column names each case's wave).
Result<ResponseMatrix> decode_stat_responses(const Instrument& instrument, std::string_view bytes, StatFormat format,
                                             const CsvOptions& options, const StatLimits& limits = {},
                                             bool ids_per_group = false);

}  // namespace psyscore::detail
