#include "scoring/encode/score_columns.hpp"

namespace psyscore::detail {

std::vector<ScoreColumn> score_columns(const Instrument& instrument) {
  using Kind = ScoreColumn::Kind;
  std::vector<ScoreColumn> columns;
  columns.push_back({Kind::id, 0, "id", "Respondent id"});
  for (std::size_t s = 0; s < instrument.subscales.size(); ++s) {
    const Subscale& subscale = instrument.subscales[s];
    const std::string name = subscale.name.empty() ? subscale.id : subscale.name;
    columns.push_back({Kind::value, s, subscale.id, name + " (" + std::string(to_string(subscale.method)) + ")"});
    columns.push_back({Kind::answered, s, subscale.id + "_answered", name + ": items answered"});
    if (!subscale.bands.empty()) columns.push_back({Kind::band, s, subscale.id + "_band", name + ": band"});
    if (subscale.norms) {
      columns.push_back({Kind::z, s, subscale.id + "_z", name + ": z score"});
      columns.push_back({Kind::t, s, subscale.id + "_t", name + ": T score"});
    }
  }
  columns.push_back({Kind::errors, 0, "errors", "Why the respondent was not scored"});
  return columns;
}

std::optional<double> score_number(const ScoreColumn& column, const SubscaleScore& score) {
  switch (column.kind) {
    case ScoreColumn::Kind::value: return score.value;
    case ScoreColumn::Kind::answered: return static_cast<double>(score.answered);
    case ScoreColumn::Kind::band:
      if (!score.band) return std::nullopt;
      return static_cast<double>(*score.band + 1);
    case ScoreColumn::Kind::z: return score.z;
    case ScoreColumn::Kind::t: return score.t;
    default: return std::nullopt;
  }
}

std::string joined_errors(const ResponseMatrix& responses, std::size_t respondent) {
  std::string out;
  for (const auto& error : responses.errors[respondent]) {
    if (!out.empty()) out += "; ";
    out += error.message;
  }
  return out;
}

}  // namespace psyscore::detail
