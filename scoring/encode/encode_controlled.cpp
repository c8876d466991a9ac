// encode_controlled_result: the controlled result of the API contract
// (section "Controlled pre/post"). Field names and order follow the contract;
// the extra fields are listed in docs/statistics.md ("Controlled pre/post
// designs").

#include <string>

#include "psyscore/controlled.hpp"
#include "psyscore/json.hpp"
#include "scoring/encode/encode_common.hpp"
#include "scoring/util/json_writer.hpp"

namespace psyscore {

using detail::JsonWriter;
using detail::write_instrument_reference;
using detail::write_strings;

namespace {

void write_mean_sd(JsonWriter& out, std::string_view name, const MeanSd& value) {
  out.key(name).begin_object().field("mean", value.mean).field("sd", value.sd).end_object();
}

void write_f_test(JsonWriter& out, std::string_view name, const FTestResult& test) {
  out.key(name).begin_object();
  out.field("f", test.f).field("num_df", test.num_df).field("den_df", test.den_df).field("p", test.p);
  out.end_object();
}

void write_group(JsonWriter& out, const ControlledGroupSummary& group) {
  out.begin_object();
  out.field("name", group.name).field("n_pairs", group.n_pairs);
  write_mean_sd(out, "pre", group.pre);
  write_mean_sd(out, "post", group.post);
  write_mean_sd(out, "difference", group.difference);
  out.key("rci");
  if (group.rci) {
    detail::write_reliable_change(out, *group.rci);
  } else {
    out.null();
  }
  out.end_object();
}

void write_ancova(JsonWriter& out, const std::optional<AncovaReport>& ancova) {
  out.key("ancova");
  if (!ancova) {
    out.null();
    return;
  }
  out.begin_object();
  out.field("formula", "post ~ pre + group");
  out.field("n", ancova->n).field("df_residual", ancova->df_residual).field("r_squared", ancova->r_squared);
  out.field("adj_r_squared", ancova->adj_r_squared).field("sigma", ancova->sigma);
  out.key("coefficients").begin_array();
  for (const AncovaTerm& term : ancova->coefficients) {
    out.begin_object();
    out.field("term", term.term).field("estimate", term.estimate).field("se", term.se).field("t", term.t);
    out.field("p", term.p).field("lower", term.lower).field("upper", term.upper);
    out.end_object();
  }
  out.end_array();
  write_f_test(out, "group_test", ancova->group_test);
  out.field("group_sum_of_squares", ancova->group_sum_of_squares);
  out.field("residual_sum_of_squares", ancova->residual_sum_of_squares);
  out.field("partial_eta_squared", ancova->partial_eta_squared);
  out.field("pre_mean", ancova->pre_mean);
  out.key("adjusted_means").begin_array();
  for (const AdjustedMeanResult& mean : ancova->adjusted_means) {
    out.begin_object();
    out.field("group", mean.group).field("estimate", mean.estimate).field("se", mean.se).field("df", mean.df);
    out.field("lower", mean.lower).field("upper", mean.upper);
    out.end_object();
  }
  out.end_array();
  write_f_test(out, "interaction_test", ancova->interaction_test);
  out.end_object();
}

void write_change_welch(JsonWriter& out, std::size_t groups, const std::optional<ChangeWelch>& welch) {
  out.key("change_welch");
  if (groups != 2 || !welch) {
    out.null();
    return;
  }
  out.begin_object();
  out.field("t", welch->t).field("df", welch->df).field("p", welch->p).field("difference", welch->difference);
  detail::write_interval(out, "ci", welch->ci_lower, welch->ci_upper);
  out.end_object();
}

}  // namespace

std::string encode_controlled_result(const Instrument& instrument, const ControlledReport& report) {
  std::string body;
  JsonWriter out(body);
  out.begin_object();
  write_instrument_reference(out, instrument);
  out.field("ci_level", report.ci_level).field("reference", report.reference);
  write_strings(out, "groups", report.groups);
  out.key("subscales").begin_array();
  for (const SubscaleControlled& s : report.subscales) {
    out.begin_object();
    out.field("id", s.id);
    out.key("groups").begin_array();
    for (const ControlledGroupSummary& group : s.groups) write_group(out, group);
    out.end_array();
    write_ancova(out, s.ancova);
    write_change_welch(out, report.groups.size(), s.change_welch);
    out.field("baseline_difference_sd", s.baseline_difference_sd);
    write_strings(out, "warnings", s.warnings);
    out.end_object();
  }
  out.end_array();
  write_strings(out, "warnings", report.warnings);
  out.end_object();
  body.push_back('\n');
  return body;
}

}  // namespace psyscore
