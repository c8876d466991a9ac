// Respondent covariates as the decoders meet them: values one at a time
// (JSON), or a CSV column of text cells, turned into ResponseMatrix::covariates.
// Private to the engine.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "psyscore/errors.hpp"
#include "psyscore/responses.hpp"

namespace psyscore::detail {

// At most this many distinct covariates per wave: every covariate costs a
// value per respondent, so names that differ per respondent would cost
// respondents squared.
inline constexpr std::size_t kMaxCovariates = 100;

// Collects the covariate values of a JSON wave, respondent by respondent.
class CovariateCollector {
 public:
  // False when this would be covariate number kMaxCovariates + 1.
  bool add_number(std::size_t row, std::string_view name, double value);
  // An empty text is missing.
  bool add_text(std::size_t row, std::string_view name, std::string_view text);
  // A null: the covariate exists, the value is missing.
  bool add_missing(std::string_view name);

  bool empty() const { return columns_.empty(); }

  // Builds one column per covariate over `respondents` rows into
  // `matrix.covariates`. A covariate given as a number for some respondents
  // and as text for others is an `invalid` error at the first value of the
  // kind there is less of, located by `pointer(row, name)`.
  std::optional<Error> finish(ResponseMatrix& matrix, std::size_t respondents,
                              const std::function<std::string(std::size_t, std::string_view)>& pointer);

 private:
  struct Column {
    std::string name;
    std::vector<std::pair<std::size_t, double>> numbers;
    std::vector<std::pair<std::size_t, std::string>> texts;
  };
  Column* column(std::string_view name);

  std::vector<Column> columns_;
  std::unordered_map<std::string, std::size_t> index_;
};

// Types a covariate read from CSV, whose `labels` hold every cell as text
// (trimmed; empty or NA = missing): numeric when every other cell is a
// number. A column with more numbers than text but some text is an `invalid`
// problem at the first text cell (`lines` per row, `column` 1-based); a column
// with more text stays categorical.
std::optional<Problem> type_csv_covariate(Covariate& covariate, std::span<const std::size_t> lines, std::size_t column,
                                          const std::string& source);

}  // namespace psyscore::detail
