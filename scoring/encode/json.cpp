// The JSON encoders of psyscore/json.hpp: one per result, written through
// JsonWriter (compact, numbers in shortest round-trip form, undefined as
// null). Field names and order follow docs/api.md; fields beyond it are
// listed in docs/statistics.md.

#include "psyscore/json.hpp"

#include <string>

#include "psyscore/change.hpp"
#include "psyscore/compare.hpp"
#include "psyscore/reliability.hpp"
#include "scoring/encode/encode_common.hpp"
#include "scoring/encode/score_writer.hpp"
#include "scoring/util/json_writer.hpp"

namespace psyscore {

using detail::JsonWriter;
using detail::write_instrument_reference;
using detail::write_interval;
using detail::write_strings;

std::string encode_registry(const Registry& registry) {
  std::string body;
  JsonWriter out(body);
  out.begin_object().key("instruments").begin_array();
  for (const auto& instrument : registry.instruments()) {
    out.begin_object();
    out.field("id", instrument->id).field("version", instrument->version).field("name", instrument->name);
    out.field("items", instrument->items.size());
    out.key("subscales").begin_array();
    for (const auto& subscale : instrument->subscales) out.value(subscale.id);
    out.end_array();
    out.field("sha256", instrument->sha256);
    out.end_object();
  }
  out.end_array().end_object();
  body.push_back('\n');
  return body;
}

std::string encode_validation(const Instrument& instrument) {
  std::string body;
  JsonWriter out(body);
  out.begin_object().field("valid", true).field("id", instrument.id).field("sha256", instrument.sha256).end_object();
  body.push_back('\n');
  return body;
}

std::string encode_score_result(const Instrument& instrument, const ResponseMatrix& responses,
                                const ScoreTable& table) {
  std::string body;
  detail::ScoreResultWriter writer(instrument);
  writer.begin(body);
  writer.add(body, responses, table);
  std::vector<std::string> warnings = responses.warnings;
  warnings.insert(warnings.end(), table.warnings.begin(), table.warnings.end());
  writer.end(body, warnings);
  return body;
}

std::string encode_problems(const Error& error) {
  std::string body;
  JsonWriter out(body);
  out.begin_object().field("message", error.message).field("code", to_string(error.code));
  out.key("errors").begin_array();
  for (const auto& problem : error.problems) {
    out.begin_object();
    if (!problem.source.empty()) out.field("source", problem.source);
    out.field("pointer", problem.pointer);
    if (problem.line > 0) out.field("line", problem.line);
    if (problem.column > 0) out.field("column", problem.column);
    out.field("code", problem.code).field("message", problem.message);
    out.end_object();
  }
  out.end_array().end_object();
  body.push_back('\n');
  return body;
}

// Reliability.

namespace {

void write_item(JsonWriter& out, const ItemReliability& item) {
  out.begin_object();
  out.field("id", item.id).field("n", item.n);
  out.field("raw_r", item.raw_r).field("std_r", item.std_r).field("r_cor", item.r_cor).field("r_drop", item.r_drop);
  out.field("mean", item.mean).field("sd", item.sd);
  const AlphaIfDropped& d = item.alpha_if_dropped;
  out.key("alpha_if_dropped").begin_object();
  out.field("raw_alpha", d.raw_alpha).field("std_alpha", d.std_alpha).field("g6_smc", d.g6_smc);
  out.field("average_r", d.average_r).field("s_n", d.s_n).field("alpha_se", d.alpha_se);
  out.field("var_r", d.var_r).field("med_r", d.med_r);
  out.end_object();
  out.key("response_freq").begin_object();
  std::string key;
  for (const auto& [value, share] : item.response_freq) {
    key.clear();
    detail::append_json_number(key, value);
    out.field(key, share);
  }
  out.field("miss", item.miss);
  out.end_object();
  out.end_object();
}

void write_distribution(JsonWriter& out, const AnswerDistribution& distribution) {
  out.key("distribution").begin_object();
  std::string key;
  for (const auto& [point, count] : distribution.counts) {
    key.clear();
    detail::append_json_number(key, point);
    out.field(key, count);
  }
  out.field("miss", distribution.missing);
  out.end_object();
}

void write_item_answers(JsonWriter& out, const std::vector<ItemAnswers>& items) {
  out.key("item_answers").begin_array();
  for (const ItemAnswers& item : items) {
    out.begin_object();
    out.field("id", item.id).field("n", item.n).field("mean", item.mean).field("sd", item.sd);
    out.field("median", item.median);
    write_distribution(out, item.distribution);
    out.end_object();
  }
  out.end_array();
}

void write_subscale(JsonWriter& out, const SubscaleReliability& s, bool items) {
  out.begin_object();
  out.field("id", s.id).field("n", s.n).field("k", s.k);
  out.field("raw_alpha", s.raw_alpha).field("std_alpha", s.std_alpha).field("g6_smc", s.g6_smc);
  out.field("average_r", s.average_r).field("median_r", s.median_r).field("s_n", s.s_n).field("ase", s.ase);
  out.field("var_r", s.var_r).field("mean", s.mean).field("sd", s.sd).field("sem", s.sem);
  out.field("sd_total_sum", s.sd_total_sum);
  write_interval(out, "feldt", s.feldt.lower, s.feldt.upper);
  write_interval(out, "duhachek", s.duhachek.lower, s.duhachek.upper);
  out.key("bootstrap");
  if (s.bootstrap) {
    const BootstrapInterval& b = *s.bootstrap;
    out.begin_object();
    out.field("lower", b.lower).field("median", b.median).field("upper", b.upper);
    out.field("iterations", b.iterations).field("seed", static_cast<std::size_t>(b.seed));
    out.field("undefined", b.undefined);
    out.end_object();
  } else {
    out.null();
  }
  out.field("omega_total", s.omega_total);
  out.key("omega_loadings").begin_object();
  for (std::size_t i = 0; i < s.items.size() && i < s.omega_loadings.size(); ++i) {
    out.field(s.items[i].id, s.omega_loadings[i]);
  }
  out.end_object();
  write_strings(out, "omega_flipped", s.omega_flipped);
  const SplitHalf& h = s.split_half;
  out.key("split_half").begin_object();
  out.field("max", h.max).field("min", h.min).field("mean", h.mean);
  out.field("splits", h.splits).field("method", h.exhaustive ? "all" : "random");
  write_strings(out, "max_half", h.max_half);
  write_strings(out, "min_half", h.min_half);
  out.field("lambda2", h.lambda2).field("lambda6", h.lambda6);
  out.end_object();
  out.key("items").begin_array();
  for (const auto& item : s.items) write_item(out, item);
  out.end_array();
  write_strings(out, "dropped_items", s.dropped_items);
  if (items) write_item_answers(out, s.item_answers);
  write_strings(out, "warnings", s.warnings);
  out.end_object();
}

}  // namespace

std::string encode_reliability_result(const Instrument& instrument, const ReliabilityReport& report) {
  std::string body;
  JsonWriter out(body);
  out.begin_object();
  write_instrument_reference(out, instrument);
  out.field("missing", to_string(report.missing)).field("ci_level", report.ci_level);
  out.key("subscales").begin_array();
  for (const auto& subscale : report.subscales) write_subscale(out, subscale, report.items);
  out.end_array();
  write_strings(out, "warnings", report.warnings);
  out.end_object();
  body.push_back('\n');
  return body;
}

// Change and comparison.

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

void write_rci(JsonWriter& out, const std::optional<ReliableChange>& rci) {
  out.key("rci");
  if (!rci) {
    out.null();
    return;
  }
  detail::write_reliable_change(out, *rci);
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

namespace {

// The fields a subscale comparison and an item comparison share: the groups'
// summaries (with their distributions for an item), then the tests.
template <class Comparison>
void write_group_tests(JsonWriter& out, const Comparison& c, bool two_groups) {
  out.key("groups").begin_array();
  for (const GroupSummary& g : c.groups) {
    out.begin_object();
    out.field("name", g.name).field("n", g.n).field("mean", g.mean).field("sd", g.sd);
    out.field("median", g.median).field("q1", g.q1).field("q3", g.q3);
    if (g.distribution) write_distribution(out, *g.distribution);
    out.end_object();
  }
  out.end_array();
  out.key("kruskal_wallis");
  if (c.kruskal_wallis) {
    const KruskalWallisResult& k = *c.kruskal_wallis;
    out.begin_object().field("h", k.h).field("df", k.df).field("p", k.p);
    out.field("epsilon_squared", k.epsilon_squared).end_object();
  } else {
    out.null();
  }
  out.key("mann_whitney").begin_array();
  for (const MannWhitneyPair& m : c.mann_whitney) {
    out.begin_object();
    out.field("a", m.a).field("b", m.b).field("n_a", m.n_a).field("n_b", m.n_b);
    out.field("w", m.w).field("p", m.p).field("p_holm", m.p_holm).field("rank_biserial", m.rank_biserial);
    out.field("method", m.exact ? "exact" : "normal");
    out.end_object();
  }
  out.end_array();
  if (two_groups) {
    out.key("welch_t");
    if (c.welch_t) {
      out.begin_object().field("t", c.welch_t->t).field("df", c.welch_t->df).field("p", c.welch_t->p);
      out.field("mean_difference", c.welch_t->mean_difference);
      write_interval(out, "ci", c.welch_t->ci_lower, c.welch_t->ci_upper);
      out.end_object();
    } else {
      out.null();
    }
  }
}

}  // namespace

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
    write_group_tests(out, s, report.groups.size() == 2);
    if (report.items) {
      out.key("items").begin_array();
      for (const ItemComparison& item : s.items) {
        out.begin_object().field("id", item.id);
        write_group_tests(out, item, report.groups.size() == 2);
        write_strings(out, "warnings", item.warnings);
        out.end_object();
      }
      out.end_array();
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
