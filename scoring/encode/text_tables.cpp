// --format table and --format csv of reliability, change and compare.
#include "psyscore/tables.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "scoring/encode/report_format.hpp"
#include "scoring/encode/svg_plot.hpp"
#include "scoring/util/json_writer.hpp"

namespace psyscore {
namespace {

using detail::format_df;
using detail::format_number;
using detail::format_p;
using detail::format_percent;
using detail::format_score;
using detail::format_statistic;
using detail::value_of;

// An aligned text table: a title line, a header, a rule, the rows.
class TextTable {
 public:
  explicit TextTable(std::vector<std::pair<std::string, bool>> columns) : columns_(std::move(columns)) {}
  void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }

  void write(std::string& out, const std::string& title) const {
    std::vector<std::size_t> widths(columns_.size(), 0);
    const auto width_of = [](const std::string& text) {
      // Count code points, not bytes ("±", "≥" in labels).
      return static_cast<std::size_t>(std::count_if(
          text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
    };
    for (std::size_t c = 0; c < columns_.size(); ++c) widths[c] = width_of(columns_[c].first);
    for (const auto& row : rows_) {
      for (std::size_t c = 0; c < row.size() && c < widths.size(); ++c)
        widths[c] = std::max(widths[c], width_of(row[c]));
    }
    const auto line = [&](const std::vector<std::string>& cells) {
      std::string text;
      for (std::size_t c = 0; c < columns_.size(); ++c) {
        const std::string& cell = c < cells.size() ? cells[c] : std::string();
        const std::string pad(widths[c] - width_of(cell), ' ');
        if (c > 0) text += "  ";
        text += columns_[c].second ? pad + cell : cell + (c + 1 < columns_.size() ? pad : std::string());
      }
      while (!text.empty() && text.back() == ' ') text.pop_back();
      out += text + "\n";
    };
    out += title + "\n";
    std::vector<std::string> header;
    header.reserve(columns_.size());
    for (const auto& column : columns_) header.push_back(column.first);
    line(header);
    std::size_t total = 0;
    for (const std::size_t w : widths) total += w;
    out += std::string(total + 2 * (widths.size() - 1), '-') + "\n";
    for (const auto& row : rows_) line(row);
    out += "\n";
  }

 private:
  std::vector<std::pair<std::string, bool>> columns_;
  std::vector<std::vector<std::string>> rows_;
};

const Subscale* subscale_of(const Instrument& instrument, const std::string& id) {
  const auto index = instrument.subscale_index(id);
  return index ? &instrument.subscales[*index] : nullptr;
}

std::string interval(std::optional<double> lower, std::optional<double> upper) {
  if (!lower || !upper) return std::string(detail::kNotAvailable);
  return format_statistic(lower) + " to " + format_statistic(upper);
}

void warnings(std::string& out, const std::vector<std::string>& list, const std::string& prefix = {}) {
  for (const std::string& warning : list) out += "warning: " + prefix + warning + "\n";
}

// CSV as `psyscore score --format csv` writes it: full numbers, an empty cell
// when undefined, RFC 4180 quoting, \n line ends.
std::string csv_number(std::optional<double> value) {
  if (!value_of(value)) return {};
  std::string out;
  detail::append_json_number(out, *value);
  return out;
}
std::string csv_text(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}
void csv_row(std::string& out, const std::vector<std::string>& cells) {
  for (std::size_t i = 0; i < cells.size(); ++i) out += (i == 0 ? "" : ",") + cells[i];
  out += '\n';
}

}  // namespace

std::string reliability_table(const Instrument& instrument, const ReliabilityReport& report) {
  std::string out;
  TextTable summary({{"Subscale", false},
                     {"n", true},
                     {"Items", true},
                     {"Alpha", true},
                     {"Feldt", true},
                     {"Duhachek", true},
                     {"Bootstrap", true},
                     {"Omega", true},
                     {"SEM", true},
                     {"Published", true}});
  for (const SubscaleReliability& r : report.subscales) {
    const Subscale* subscale = subscale_of(instrument, r.id);
    summary.row({r.id, std::to_string(r.n), std::to_string(r.k), format_statistic(value_of(r.raw_alpha)),
                 interval(value_of(r.feldt.lower), value_of(r.feldt.upper)),
                 interval(value_of(r.duhachek.lower), value_of(r.duhachek.upper)),
                 r.bootstrap ? interval(value_of(r.bootstrap->lower), value_of(r.bootstrap->upper)) : std::string("-"),
                 format_statistic(value_of(r.omega_total)),
                 subscale ? format_score(value_of(r.sem), *subscale) : format_statistic(value_of(r.sem)),
                 subscale && subscale->published_reliability ? format_statistic(subscale->published_reliability->alpha)
                                                             : std::string("-")});
  }
  summary.write(out, "Reliability (" + std::string(to_string(report.missing)) + ", " + format_percent(report.ci_level) +
                         " intervals)");
  for (const SubscaleReliability& r : report.subscales) {
    TextTable items({{"Item", false},
                     {"n", true},
                     {"Mean", true},
                     {"SD", true},
                     {"Item-rest r", true},
                     {"Item-total r", true},
                     {"Alpha if dropped", true},
                     {"Missing", true}});
    for (const ItemReliability& item : r.items) {
      items.row({item.id, std::to_string(item.n), format_number(value_of(item.mean), 2),
                 format_number(value_of(item.sd), 2), format_statistic(value_of(item.r_drop)),
                 format_statistic(value_of(item.raw_r)), format_statistic(value_of(item.alpha_if_dropped.raw_alpha)),
                 format_percent(value_of(item.miss).value_or(0))});
    }
    items.write(out, r.id + ": items");
    warnings(out, r.warnings, r.id + ": ");
  }
  warnings(out, report.warnings);
  return out;
}

std::string reliability_csv(const Instrument& /*instrument*/, const ReliabilityReport& report) {
  std::string out;
  csv_row(out,
          {"subscale", "item", "n", "mean", "sd", "raw_r", "std_r", "r_cor", "r_drop", "alpha_if_dropped", "miss"});
  for (const SubscaleReliability& r : report.subscales) {
    for (const ItemReliability& item : r.items) {
      csv_row(out, {csv_text(r.id), csv_text(item.id), std::to_string(item.n), csv_number(value_of(item.mean)),
                    csv_number(value_of(item.sd)), csv_number(value_of(item.raw_r)), csv_number(value_of(item.std_r)),
                    csv_number(value_of(item.r_cor)), csv_number(value_of(item.r_drop)),
                    csv_number(value_of(item.alpha_if_dropped.raw_alpha)), csv_number(value_of(item.miss))});
    }
  }
  return out;
}

std::string change_table(const Instrument& instrument, const ChangeReport& report) {
  std::string out;
  TextTable summary({{"Subscale", false},
                     {"Pairs", true},
                     {"Before", true},
                     {"After", true},
                     {"Change", true},
                     {format_percent(report.ci_level) + " CI", true},
                     {"t", true},
                     {"df", true},
                     {"p", true},
                     {"p (Holm)", true},
                     {"d_av", true},
                     {"Improved", true},
                     {"Unchanged", true},
                     {"Deteriorated", true}});
  for (const SubscaleChange& c : report.subscales) {
    const Subscale* subscale = subscale_of(instrument, c.id);
    if (!subscale) continue;
    const auto score = [&](std::optional<double> v) { return format_score(v, *subscale); };
    summary.row({c.id, std::to_string(c.n_pairs), score(c.pre.mean), score(c.post.mean), score(c.difference.mean),
                 c.paired_t ? score(c.paired_t->ci_lower) + " to " + score(c.paired_t->ci_upper) : "NA",
                 c.paired_t ? format_statistic(c.paired_t->t) : "NA", c.paired_t ? format_df(c.paired_t->df) : "NA",
                 c.paired_t ? format_p(c.paired_t->p) : "NA", format_p(c.paired_t_p_holm),
                 c.effect_sizes ? format_statistic(c.effect_sizes->d_av) : "NA",
                 c.rci ? std::to_string(c.rci->improved) : "NA", c.rci ? std::to_string(c.rci->unchanged) : "NA",
                 c.rci ? std::to_string(c.rci->deteriorated) : "NA"});
  }
  summary.write(out, "Change (after minus before), " + std::to_string(report.matched) + " matched");
  for (const SubscaleChange& c : report.subscales) {
    const Subscale* subscale = subscale_of(instrument, c.id);
    if (!subscale || !c.rci) continue;
    const bool clinical = c.rci->clinical_significance.has_value();
    std::vector<std::pair<std::string, bool>> columns = {{"Id", false},    {"Before", true}, {"After", true},
                                                         {"Change", true}, {"RCI", true},    {"Category", false}};
    if (clinical) columns.push_back({"Clinical", false});
    TextTable participants(columns);
    for (const RciParticipant& p : c.rci->participants) {
      std::vector<std::string> row = {p.id,
                                      format_score(p.pre, *subscale),
                                      format_score(p.post, *subscale),
                                      format_score(p.difference, *subscale),
                                      format_statistic(p.rci),
                                      std::string(to_string(p.category))};
      if (clinical) row.push_back(p.clinical_category ? std::string(to_string(*p.clinical_category)) : "NA");
      participants.row(std::move(row));
    }
    participants.write(out, c.id + ": reliable change beyond " +
                                format_score(c.rci->criterion * c.rci->s_diff, *subscale) + " points (" +
                                format_statistic(c.rci->criterion) + " x s_diff " + format_statistic(c.rci->s_diff) +
                                ", reliability " + format_statistic(c.rci->reliability) + ", " +
                                std::string(to_string(c.rci->reliability_source)) + ")");
    warnings(out, c.warnings, c.id + ": ");
  }
  warnings(out, report.warnings);
  return out;
}

std::string change_csv(const Instrument& /*instrument*/, const ChangeReport& report) {
  std::string out;
  csv_row(out, {"subscale", "id", "pre", "post", "difference", "rci", "category", "clinical_category"});
  for (const SubscaleChange& c : report.subscales) {
    if (!c.rci) continue;
    for (const RciParticipant& p : c.rci->participants) {
      csv_row(out, {csv_text(c.id), csv_text(p.id), csv_number(p.pre), csv_number(p.post), csv_number(p.difference),
                    csv_number(p.rci), std::string(to_string(p.category)),
                    p.clinical_category ? std::string(to_string(*p.clinical_category)) : std::string()});
    }
  }
  return out;
}

std::string compare_table(const Instrument& instrument, const CompareReport& report) {
  std::string out;
  for (const SubscaleComparison& c : report.subscales) {
    const Subscale* subscale = subscale_of(instrument, c.id);
    if (!subscale) continue;
    TextTable groups(
        {{"Group", false}, {"n", true}, {"Mean", true}, {"SD", true}, {"Median", true}, {"Q1", true}, {"Q3", true}});
    for (const GroupSummary& g : c.groups) {
      groups.row({g.name, std::to_string(g.n), format_score(g.mean, *subscale), format_score(g.sd, *subscale),
                  format_score(g.median, *subscale), format_score(g.q1, *subscale), format_score(g.q3, *subscale)});
    }
    std::string title = c.id;
    if (c.kruskal_wallis) {
      title += ": Kruskal-Wallis H = " + format_statistic(c.kruskal_wallis->h) +
               ", df = " + std::to_string(c.kruskal_wallis->df) + ", p = " + format_p(c.kruskal_wallis->p) +
               ", epsilon squared = " + format_statistic(c.kruskal_wallis->epsilon_squared);
    }
    if (c.welch_t) {
      title += "; Welch t = " + format_statistic(c.welch_t->t) + ", df = " + format_df(c.welch_t->df) +
               ", p = " + format_p(c.welch_t->p);
    }
    groups.write(out, title);
    if (!c.mann_whitney.empty()) {
      TextTable pairs({{"Pair", false}, {"W", true}, {"p", true}, {"p (Holm)", true}, {"Rank-biserial r", true}});
      for (const MannWhitneyPair& pair : c.mann_whitney) {
        pairs.row({pair.a + " vs " + pair.b,
                   format_number(pair.w, pair.w == static_cast<double>(static_cast<long long>(pair.w)) ? 0 : 1),
                   format_p(pair.p), format_p(pair.p_holm), format_statistic(pair.rank_biserial)});
      }
      pairs.write(out, c.id + ": pairwise Mann-Whitney");
    }
    warnings(out, c.warnings, c.id + ": ");
  }
  warnings(out, report.warnings);
  return out;
}

std::string compare_csv(const Instrument& /*instrument*/, const CompareReport& report) {
  std::string out;
  csv_row(out, {"subscale", "group", "n", "mean", "sd", "median", "q1", "q3"});
  for (const SubscaleComparison& c : report.subscales) {
    for (const GroupSummary& g : c.groups) {
      csv_row(out, {csv_text(c.id), csv_text(g.name), std::to_string(g.n), csv_number(g.mean), csv_number(g.sd),
                    csv_number(g.median), csv_number(g.q1), csv_number(g.q3)});
    }
  }
  return out;
}

}  // namespace psyscore
