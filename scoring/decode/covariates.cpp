#include "scoring/decode/covariates.hpp"
#include "scoring/util/nan.hpp"

#include <charconv>
#include <cmath>
#include <limits>

namespace psyscore {

const Covariate* ResponseMatrix::covariate(std::string_view name) const {
  for (const Covariate& c : covariates) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

namespace detail {

namespace {

std::string quote_text(std::string_view text) { return "\"" + std::string(text) + "\""; }

// A cell as a number: what std::from_chars reads, whole cell, finite.
bool read_number(std::string_view cell, double& value) {
  if (cell.empty()) return false;
  const char* begin = cell.data();
  if (*begin == '+') ++begin;  // from_chars refuses a plus sign that spreadsheets write
  const auto [end, ec] = std::from_chars(begin, cell.data() + cell.size(), value);
  return ec == std::errc{} && end == cell.data() + cell.size() && std::isfinite(value);
}

}  // namespace

CovariateCollector::Column* CovariateCollector::column(std::string_view name) {
  if (const auto found = index_.find(std::string(name)); found != index_.end()) return &columns_[found->second];
  if (columns_.size() == kMaxCovariates) return nullptr;
  index_.emplace(std::string(name), columns_.size());
  columns_.push_back({std::string(name), {}, {}});
  return &columns_.back();
}

bool CovariateCollector::add_number(std::size_t row, std::string_view name, double value) {
  Column* c = column(name);
  if (!c) return false;
  c->numbers.emplace_back(row, value);
  return true;
}

bool CovariateCollector::add_text(std::size_t row, std::string_view name, std::string_view text) {
  Column* c = column(name);
  if (!c) return false;
  if (!text.empty()) c->texts.emplace_back(row, std::string(text));
  return true;
}

bool CovariateCollector::add_missing(std::string_view name) { return column(name) != nullptr; }

std::optional<Error> CovariateCollector::finish(
    ResponseMatrix& matrix, std::size_t respondents,
    const std::function<std::string(std::size_t, std::string_view)>& pointer) {
  std::vector<Problem> problems;
  for (Column& c : columns_) {
    Covariate covariate;
    covariate.name = c.name;
    if (!c.numbers.empty() && !c.texts.empty()) {
      Problem problem;
      problem.code = "mixed_covariate";
      if (c.numbers.size() >= c.texts.size()) {
        problem.pointer = pointer(c.texts.front().first, c.name);
        problem.message = "covariate " + quote_text(c.name) + " is a number for " + std::to_string(c.numbers.size()) +
                          " respondent(s) but text here (" + quote_text(c.texts.front().second) +
                          "); give a number, or null when it is missing";
      } else {
        problem.pointer = pointer(c.numbers.front().first, c.name);
        problem.message = "covariate " + quote_text(c.name) + " is text for " + std::to_string(c.texts.size()) +
                          " respondent(s) but a number here; write every value of a categorical covariate as a "
                          "string";
      }
      problems.push_back(std::move(problem));
      continue;
    }
    covariate.numeric = !c.numbers.empty();
    if (covariate.numeric) {
      covariate.numbers.assign(respondents, kNaN);
      for (const auto& [row, value] : c.numbers) covariate.numbers[row] = value;
    } else {
      covariate.labels.assign(respondents, std::string());
      for (auto& [row, text] : c.texts) covariate.labels[row] = std::move(text);
    }
    matrix.covariates.push_back(std::move(covariate));
  }
  if (problems.empty()) return std::nullopt;
  std::string summary = problems.size() == 1 ? problems.front().message : "covariates mix numbers and text";
  return Error{ErrorCode::invalid, std::move(summary), std::move(problems)};
}

std::optional<Problem> type_csv_covariate(Covariate& covariate, std::span<const std::size_t> lines, std::size_t column,
                                          const std::string& source) {
  std::size_t numbers = 0;
  std::size_t texts = 0;
  std::optional<std::size_t> first_text;
  std::vector<double> values(covariate.labels.size(), kNaN);
  for (std::size_t r = 0; r < covariate.labels.size(); ++r) {
    std::string& cell = covariate.labels[r];
    if (cell == "NA") cell.clear();
    if (cell.empty()) continue;
    if (read_number(cell, values[r])) {
      ++numbers;
    } else {
      ++texts;
      if (!first_text) first_text = r;
    }
  }
  if (texts == 0 && numbers > 0) {
    covariate.numeric = true;
    covariate.numbers = std::move(values);
    covariate.labels.clear();
    return std::nullopt;
  }
  if (texts == 0 || numbers <= texts) return std::nullopt;  // categorical (or all missing)
  Problem problem;
  problem.source = source;
  problem.line = *first_text < lines.size() ? lines[*first_text] : 0;
  problem.column = column;
  problem.code = "not_a_number";
  problem.message = "covariate column " + quote_text(covariate.name) + " holds numbers (" + std::to_string(numbers) +
                    " cells) but this cell is " + quote_text(covariate.labels[*first_text]) +
                    "; write a number, or leave the cell empty (or NA) when it is missing";
  return problem;
}

}  // namespace detail

}  // namespace psyscore
