// The waves result (API section "More than two waves").
#include <string>

#include "psyscore/waves.hpp"
#include "scoring/encode/encode_common.hpp"
#include "scoring/util/json_writer.hpp"

namespace psyscore {

namespace {

using detail::JsonWriter;

void write_mixed_model(JsonWriter& out, const MixedModelResult& m) {
  out.begin_object();
  out.field("formula", "score ~ wave + (1 | id)").field("reml", true);
  out.field("n_obs", m.n_obs).field("n_respondents", m.n_respondents);
  out.field("log_likelihood", m.log_likelihood).field("singular", m.singular);
  out.key("fixed").begin_array();
  for (const FixedEffect& f : m.fixed) {
    out.begin_object().field("term", f.term).field("estimate", f.estimate).field("se", f.se);
    out.field("df", f.df).field("t", f.t).field("p", f.p).end_object();
  }
  out.end_array();
  out.key("random").begin_object();
  out.field("respondent_sd", m.respondent_sd).field("residual_sd", m.residual_sd).field("icc", m.icc);
  out.end_object();
  out.key("wave_test").begin_object();
  out.field("f", m.wave_test.f).field("num_df", m.wave_test.num_df).field("den_df", m.wave_test.den_df);
  out.field("p", m.wave_test.p).end_object();
  out.key("wave_means").begin_array();
  for (const WaveMean& w : m.wave_means) {
    out.begin_object().field("wave", w.wave).field("estimate", w.estimate).field("se", w.se).field("df", w.df);
    out.field("lower", w.lower).field("upper", w.upper).end_object();
  }
  out.end_array();
  out.end_object();
}

void write_rci(JsonWriter& out, const HlmChange& rci) {
  out.begin_object();
  out.field("method", "hlm").field("criterion", rci.criterion).field("n", rci.n).field("singular", rci.singular);
  out.key("counts").begin_object();
  out.field("improved", rci.improved).field("unchanged", rci.unchanged).field("deteriorated", rci.deteriorated);
  out.end_object();
  out.key("participants").begin_array();
  for (const HlmParticipant& p : rci.participants) {
    out.begin_object().field("id", p.id).field("slope", p.slope).field("se", p.se).field("rci", p.rci);
    out.field("category", to_string(p.category)).field("pre", p.pre).field("post", p.post);
    out.field("crossed_cutoff", p.crossed_cutoff);
    out.key("clinical_category");
    if (p.clinical_category) {
      out.value(to_string(*p.clinical_category));
    } else {
      out.null();
    }
    out.end_object();
  }
  out.end_array();
  const HlmClinicalSignificance& c = rci.clinical_significance;
  out.key("clinical_significance").begin_object();
  out.field("criterion", to_string(c.criterion)).field("cutoff", c.cutoff).field("sd_multiplier", c.sd_multiplier);
  out.field("functional_sd", to_string(c.functional_sd));
  out.key("dysfunctional")
      .begin_object()
      .field("mean", c.dysfunctional.mean)
      .field("sd", c.dysfunctional.sd)
      .end_object();
  out.key("functional");
  if (c.functional) {
    out.begin_object().field("mean", c.functional->mean).field("sd", c.functional->sd).end_object();
  } else {
    out.null();
  }
  out.key("counts").begin_object();
  out.field("recovered", c.recovered).field("improved", c.improved).field("unchanged", c.unchanged);
  out.field("deteriorated", c.deteriorated).field("harmed", c.harmed);
  out.end_object();
  out.end_object();
  out.end_object();
}

}  // namespace

std::string encode_waves_result(const Instrument& instrument, const WavesReport& report) {
  std::string body;
  JsonWriter out(body);
  out.begin_object();
  detail::write_instrument_reference(out, instrument);
  out.field("ci_level", report.ci_level);
  out.field("respondents", report.respondents);
  out.key("waves").begin_array();
  for (std::size_t w = 0; w < report.wave_names.size(); ++w) {
    out.begin_object()
        .field("name", report.wave_names[w])
        .field("respondents", report.wave_respondents[w])
        .end_object();
  }
  out.end_array();
  out.key("subscales").begin_array();
  for (const SubscaleWaves& s : report.subscales) {
    out.begin_object().field("id", s.id);
    out.key("waves").begin_array();
    for (const WaveSummary& w : s.waves) {
      out.begin_object().field("name", w.name).field("n", w.n).field("mean", w.mean).field("sd", w.sd);
      out.field("median", w.median).end_object();
    }
    out.end_array();
    out.key("friedman");
    if (s.friedman) {
      const FriedmanResult& f = *s.friedman;
      out.begin_object().field("statistic", f.statistic).field("df", f.df).field("p", f.p).field("n", f.n);
      out.field("kendall_w", f.kendall_w).end_object();
    } else {
      out.null();
    }
    out.key("pairwise_wilcoxon").begin_array();
    for (const WavePair& p : s.pairwise_wilcoxon) {
      out.begin_object().field("a", p.a).field("b", p.b).field("n", p.n).field("v", p.v).field("p", p.p);
      out.field("method", p.exact ? "exact" : "normal").field("p_holm", p.p_holm).end_object();
    }
    out.end_array();
    out.key("mixed_model");
    if (s.mixed_model) {
      write_mixed_model(out, *s.mixed_model);
    } else {
      out.null();
    }
    if (report.rci_requested) {
      out.key("rci");
      if (s.rci) {
        write_rci(out, *s.rci);
      } else {
        out.null();
      }
    }
    detail::write_strings(out, "warnings", s.warnings);
    out.end_object();
  }
  out.end_array();
  detail::write_strings(out, "warnings", report.warnings);
  out.end_object();
  body.push_back('\n');
  return body;
}

}  // namespace psyscore
