// encode_reliability_result: the reliability result of API.md. Field names
// and order follow API.md; the extra fields are listed in docs/statistics.md.

#include <string>

#include "encode_common.hpp"
#include "json_writer.hpp"
#include "psyscore/json.hpp"
#include "psyscore/reliability.hpp"

namespace psyscore {

using detail::JsonWriter;
using detail::write_instrument_reference;
using detail::write_interval;
using detail::write_strings;

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

void write_subscale(JsonWriter& out, const SubscaleReliability& s) {
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
  for (const auto& subscale : report.subscales) write_subscale(out, subscale);
  out.end_array();
  write_strings(out, "warnings", report.warnings);
  out.end_object();
  body.push_back('\n');
  return body;
}

}  // namespace psyscore
