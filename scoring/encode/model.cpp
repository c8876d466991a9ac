// The model result of docs/api.md ("Model options and result").

#include <string>

#include "psyscore/model.hpp"
#include "scoring/encode/encode_common.hpp"
#include "scoring/util/json_writer.hpp"

namespace psyscore {

namespace {

using detail::JsonWriter;

void write_interval(JsonWriter& out, std::string_view name, const ModelInterval& interval) {
  out.key(name).begin_object().field("lower", interval.lower).field("upper", interval.upper).end_object();
}

}  // namespace

std::string encode_model_result(const Instrument& instrument, const ModelReport& report) {
  std::string body;
  JsonWriter out(body);
  out.begin_object();
  detail::write_instrument_reference(out, instrument);
  out.field("ci_level", report.ci_level);
  out.key("outcome").begin_object();
  out.field("label", report.outcome_label).field("n", report.n).field("events", report.events);
  out.field("excluded_missing", report.excluded_missing).field("excluded_errors", report.excluded_errors);
  out.end_object();

  const LogisticSummary& logistic = report.logistic;
  out.key("logistic").begin_object();
  out.key("coefficients").begin_array();
  for (const ModelCoefficient& c : logistic.coefficients) {
    out.begin_object().field("term", c.term).field("estimate", c.estimate).field("se", c.se);
    out.field("z", c.z).field("p", c.p).field("odds_ratio", c.odds_ratio);
    write_interval(out, "wald", c.wald);
    write_interval(out, "profile", c.profile);
    out.end_object();
  }
  out.end_array();
  out.field("deviance", logistic.deviance).field("null_deviance", logistic.null_deviance);
  out.field("df_residual", logistic.df_residual).field("df_null", logistic.df_null).field("aic", logistic.aic);
  out.key("lr_test").begin_object();
  out.field("chi_squared", logistic.lr_chi_squared).field("df", logistic.lr_df).field("p", logistic.lr_p);
  out.end_object();
  out.field("nagelkerke_r2", logistic.nagelkerke_r2);
  out.field("iterations", static_cast<std::int64_t>(logistic.iterations)).field("converged", logistic.converged);
  out.field("separation", logistic.separation);
  if (logistic.separation) {
    out.field("separation_kind", logistic.separation_kind);
    detail::write_strings(out, "separated_predictors", logistic.separated_predictors);
  }
  out.end_object();

  out.key("associations").begin_array();
  for (const Association& a : report.associations) {
    out.begin_object().field("covariate", a.covariate);
    detail::write_strings(out, "levels", a.levels);
    out.key("table").begin_array();
    for (const auto& row : a.table) out.begin_array().value(row[0]).value(row[1]).end_array();
    out.end_array();
    out.key("chi_squared").begin_object();
    out.field("statistic", a.chi_squared).field("df", a.df).field("p", a.chi_squared_p).field("correct", a.correct);
    out.end_object();
    out.key("fisher").begin_object().field("p", a.fisher_p).end_object();
    out.field("min_expected", a.min_expected);
    out.end_object();
  }
  out.end_array();
  detail::write_strings(out, "warnings", report.warnings);
  out.end_object();
  body.push_back('\n');
  return body;
}

}  // namespace psyscore
