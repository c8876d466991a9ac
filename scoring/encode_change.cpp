// encode_change_result and encode_compare_result: the change and compare
// results of API.md. Field names and order follow API.md; the extra fields
// are listed in docs/statistics.md ("Change and comparison").

#include <string>

#include "encode_common.hpp"
#include "json_writer.hpp"
#include "psyscore/change.hpp"
#include "psyscore/compare.hpp"
#include "psyscore/json.hpp"

namespace psyscore {

using detail::JsonWriter;
using detail::write_instrument_reference;
using detail::write_interval;
using detail::write_strings;

namespace {

void write_mean_sd(JsonWriter& out, std::string_view name, const MeanSd& value) {
  out.key(name).begin_object().field("mean", value.mean).field("sd", value.sd).end_object();
}

void write_paired_t(JsonWriter& out, const std::optional<PairedT>& test) {
  out.key("paired_t");
  if (!test) {
    out.null();
    return;
  }
  out.begin_object().field("t", test->t).field("df", test->df).field("p", test->p);
  write_interval(out, "ci", test->ci_lower, test->ci_upper);
  out.end_object();
}

void write_wilcoxon(JsonWriter& out, const std::optional<SignedRank>& test) {
  out.key("wilcoxon");
  if (!test) {
    out.null();
    return;
  }
  out.begin_object().field("v", test->v).field("p", test->p);
  out.field("method", test->exact ? "exact" : "normal").field("n", test->n);
  out.end_object();
}

void write_effect_sizes(JsonWriter& out, const std::optional<EffectSizes>& effect) {
  out.key("effect_sizes");
  if (!effect) {
    out.null();
    return;
  }
  out.begin_object();
  out.field("d_z", effect->d_z).field("d_av", effect->d_av).field("d_rm", effect->d_rm);
  out.field("g_z", effect->g_z).field("g_av", effect->g_av).field("r_pre_post", effect->r_pre_post);
  out.end_object();
}

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
  out.end_object();
  out.end_object();
}

void write_rci(JsonWriter& out, const std::optional<ReliableChange>& rci) {
  out.key("rci");
  if (!rci) {
    out.null();
    return;
  }
  out.begin_object();
  out.field("reliability", rci->reliability).field("reliability_source", to_string(rci->reliability_source));
  out.key("reliability_n");
  if (rci->reliability_source == ReliabilitySource::sample) {
    out.value(rci->reliability_n);
  } else {
    out.null();
  }
  out.field("sd_pre", rci->sd_pre).field("s_diff", rci->s_diff).field("criterion", rci->criterion);
  out.key("counts").begin_object();
  out.field("improved", rci->improved).field("unchanged", rci->unchanged).field("deteriorated", rci->deteriorated);
  out.end_object();
  out.key("participants").begin_array();
  for (const RciParticipant& p : rci->participants) {
    out.begin_object();
    out.field("id", p.id).field("pre", p.pre).field("post", p.post).field("difference", p.difference);
    out.field("rci", p.rci).field("category", to_string(p.category));
    if (p.crossed_cutoff) out.field("crossed_cutoff", *p.crossed_cutoff);
    if (p.clinical_category) out.field("clinical_category", to_string(*p.clinical_category));
    out.end_object();
  }
  out.end_array();
  if (rci->clinical_significance) write_clinical_significance(out, *rci->clinical_significance);
  out.end_object();
}

void write_bands(JsonWriter& out, const std::optional<BandTransitions>& bands) {
  out.key("bands");
  if (!bands) {
    out.null();
    return;
  }
  out.begin_object();
  write_strings(out, "labels", bands->labels);
  out.key("transitions").begin_array();
  for (const auto& row : bands->transitions) {
    out.begin_array();
    for (const std::size_t count : row) out.value(count);
    out.end_array();
  }
  out.end_array();
  out.field("left_out", bands->left_out);
  const SymmetryTestResult& test = bands->test;
  out.key("mcnemar").begin_object();
  out.field("statistic", test.statistic).field("df", test.df).field("p", test.p);
  out.field("test", bands->labels.size() > 2 ? "bowker" : "mcnemar");
  out.field("continuity_correction", test.continuity_corrected);
  out.key("pairs_left_out").begin_array();
  for (const auto& [a, b] : test.pairs_left_out) out.begin_array().value(a).value(b).end_array();
  out.end_array();
  out.end_object();
  out.end_object();
}

void write_icc_estimate(JsonWriter& out, std::string_view name, std::string_view type, const IccEstimate& icc) {
  out.key(name).begin_object();
  out.field("type", type).field("icc", icc.icc).field("lower", icc.lower).field("upper", icc.upper);
  out.field("f", icc.f).field("df1", icc.df1).field("df2", icc.df2).field("p", icc.p);
  out.end_object();
}

void write_icc(JsonWriter& out, const std::optional<TestRetest>& icc) {
  out.key("icc");
  if (!icc) {
    out.null();
    return;
  }
  out.begin_object();
  write_icc_estimate(out, "agreement", "ICC2", icc->agreement);
  write_icc_estimate(out, "consistency", "ICC3", icc->consistency);
  out.end_object();
}

void write_subscale_change(JsonWriter& out, const ChangeReport& report, const SubscaleChange& s) {
  out.begin_object();
  out.field("id", s.id).field("n_pairs", s.n_pairs);
  out.key("unmatched").begin_object();
  write_strings(out, "pre_only", report.pre_only);
  write_strings(out, "post_only", report.post_only);
  out.end_object();
  write_mean_sd(out, "pre", s.pre);
  write_mean_sd(out, "post", s.post);
  write_mean_sd(out, "difference", s.difference);
  write_paired_t(out, s.paired_t);
  write_wilcoxon(out, s.wilcoxon);
  write_effect_sizes(out, s.effect_sizes);
  write_rci(out, s.rci);
  write_bands(out, s.bands);
  write_icc(out, s.icc);
  write_strings(out, "warnings", s.warnings);
  out.end_object();
}

}  // namespace

std::string encode_change_result(const Instrument& instrument, const ChangeReport& report) {
  std::string body;
  JsonWriter out(body);
  out.begin_object();
  write_instrument_reference(out, instrument);
  out.field("ci_level", report.ci_level);
  out.key("pairing").begin_object();
  out.field("pre", report.pre_respondents).field("post", report.post_respondents);
  out.field("matched", report.matched).field("excluded_for_errors", report.excluded_for_errors);
  out.end_object();
  out.key("subscales").begin_array();
  for (const SubscaleChange& s : report.subscales) write_subscale_change(out, report, s);
  out.end_array();
  out.key("holm").begin_object();
  out.key("paired_t").begin_object();
  for (const SubscaleChange& s : report.subscales) out.field(s.id, s.paired_t_p_holm);
  out.end_object();
  out.key("wilcoxon").begin_object();
  for (const SubscaleChange& s : report.subscales) out.field(s.id, s.wilcoxon_p_holm);
  out.end_object();
  out.end_object();
  write_strings(out, "warnings", report.warnings);
  out.end_object();
  body.push_back('\n');
  return body;
}

std::string encode_compare_result(const Instrument& instrument, const CompareReport& report) {
  std::string body;
  JsonWriter out(body);
  out.begin_object();
  write_instrument_reference(out, instrument);
  out.field("ci_level", report.ci_level);
  out.key("groups").begin_array();
  for (std::size_t g = 0; g < report.groups.size(); ++g) {
    out.begin_object().field("name", report.groups[g]).field("respondents", report.group_sizes[g]).end_object();
  }
  out.end_array();
  out.key("subscales").begin_array();
  for (const SubscaleComparison& s : report.subscales) {
    out.begin_object().field("id", s.id);
    out.key("groups").begin_array();
    for (const GroupSummary& g : s.groups) {
      out.begin_object();
      out.field("name", g.name).field("n", g.n).field("mean", g.mean).field("sd", g.sd);
      out.field("median", g.median).field("q1", g.q1).field("q3", g.q3);
      out.end_object();
    }
    out.end_array();
    out.key("kruskal_wallis");
    if (s.kruskal_wallis) {
      const KruskalWallisResult& k = *s.kruskal_wallis;
      out.begin_object().field("h", k.h).field("df", k.df).field("p", k.p);
      out.field("epsilon_squared", k.epsilon_squared).end_object();
    } else {
      out.null();
    }
    out.key("mann_whitney").begin_array();
    for (const MannWhitneyPair& m : s.mann_whitney) {
      out.begin_object();
      out.field("a", m.a).field("b", m.b).field("n_a", m.n_a).field("n_b", m.n_b);
      out.field("w", m.w).field("p", m.p).field("p_holm", m.p_holm).field("rank_biserial", m.rank_biserial);
      out.field("method", m.exact ? "exact" : "normal");
      out.end_object();
    }
    out.end_array();
    if (report.groups.size() == 2) {
      out.key("welch_t");
      if (s.welch_t) {
        out.begin_object().field("t", s.welch_t->t).field("df", s.welch_t->df).field("p", s.welch_t->p);
        out.field("mean_difference", s.welch_t->mean_difference);
        write_interval(out, "ci", s.welch_t->ci_lower, s.welch_t->ci_upper);
        out.end_object();
      } else {
        out.null();
      }
    }
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
