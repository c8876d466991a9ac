#include "scoring/encode/encode_common.hpp"

namespace psyscore::detail {

void write_instrument_reference(JsonWriter& out, const Instrument& instrument) {
  out.key("instrument").begin_object();
  out.field("id", instrument.id).field("version", instrument.version).field("sha256", instrument.sha256);
  out.end_object();
}

void write_strings(JsonWriter& out, std::string_view name, const std::vector<std::string>& values) {
  out.key(name).begin_array();
  for (const auto& value : values) out.value(value);
  out.end_array();
}

void write_interval(JsonWriter& out, std::string_view name, Statistic lower, Statistic upper) {
  out.key(name).begin_object().field("lower", lower).field("upper", upper).end_object();
}

namespace {

void write_clinical_significance(JsonWriter& out, const ClinicalSignificance& clinical) {
  out.key("clinical_significance").begin_object();
  out.field("criterion", to_string(clinical.criterion)).field("cutoff", clinical.cutoff);
  out.field("sd_multiplier", clinical.sd_multiplier).field("functional_sd", to_string(clinical.functional_sd));
  out.key("dysfunctional").begin_object();
  out.field("mean", clinical.dysfunctional.mean).field("sd", clinical.dysfunctional.sd).field("source", "pre");
  out.end_object();
  out.key("functional");
  if (clinical.functional) {
    out.begin_object().field("mean", clinical.functional->mean).field("sd", clinical.functional->sd);
    out.field("source", clinical.functional_sd == FunctionalSd::norms ? "norms" : "norms mean, pre sd");
    out.end_object();
  } else {
    out.null();
  }
  out.key("counts").begin_object();
  out.field("recovered", clinical.recovered).field("improved", clinical.improved);
  out.field("unchanged", clinical.unchanged).field("deteriorated", clinical.deteriorated);
  out.field("harmed", clinical.harmed);
  out.end_object();
  if (clinical.reliability_clinical) {
    out.key("hageman_arrindell").begin_object();
    out.field("reliability_clinical", clinical.reliability_clinical);
    out.field("reliability_functional", clinical.reliability_functional);
    out.field("reliability_post", clinical.reliability_post);
    out.field("group_changed", clinical.group_changed).field("group_functional", clinical.group_functional);
    out.end_object();
  }
  out.end_object();
}

}  // namespace

void write_reliable_change(JsonWriter& out, const ReliableChange& rci) {
  out.begin_object();
  out.field("method", to_string(rci.method));
  out.field("reliability", rci.reliability).field("reliability_source", to_string(rci.reliability_source));
  out.key("reliability_n");
  if (rci.reliability_source == ReliabilitySource::sample) {
    out.value(rci.reliability_n);
  } else {
    out.null();
  }
  out.field("reliability_post", rci.reliability_post);
  out.key("reliability_post_source");
  if (rci.reliability_post) {
    out.value(to_string(rci.reliability_post_source));
  } else {
    out.null();
  }
  out.field("sd_pre", rci.sd_pre).field("s_diff", rci.s_diff).field("standard_error", rci.standard_error);
  out.field("r_dd", rci.r_dd).field("criterion", rci.criterion);
  out.key("counts").begin_object();
  out.field("improved", rci.improved).field("unchanged", rci.unchanged).field("deteriorated", rci.deteriorated);
  out.end_object();
  out.key("participants").begin_array();
  for (const RciParticipant& p : rci.participants) {
    out.begin_object();
    out.field("id", p.id).field("pre", p.pre).field("post", p.post).field("difference", p.difference);
    out.field("rci", p.rci).field("category", to_string(p.category));
    if (p.crossed_cutoff) out.field("crossed_cutoff", *p.crossed_cutoff);
    if (p.clinical_category) out.field("clinical_category", to_string(*p.clinical_category));
    if (p.cs_indiv) out.field("cs_indiv", *p.cs_indiv);
    out.end_object();
  }
  out.end_array();
  if (rci.clinical_significance) write_clinical_significance(out, *rci.clinical_significance);
  out.end_object();
}

}  // namespace psyscore::detail
