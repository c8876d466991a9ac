// reliability(): keys the items, selects rows and items, runs the kernels
// (alpha.hpp, omega.hpp, split_half.hpp, bootstrap.hpp) per subscale and
// explains in warnings whatever made a number special.

#include "psyscore/reliability.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include <Eigen/Core>

#include "alpha.hpp"
#include "bootstrap.hpp"
#include "covariance.hpp"
#include "json_writer.hpp"
#include "omega.hpp"
#include "request_checks.hpp"
#include "split_half.hpp"

namespace psyscore {

namespace {

using detail::problem_at;

constexpr std::size_t kMaxBootstrapIterations = 1'000'000;
constexpr std::size_t kMaxExhaustiveSplitItems = 16;
// Below these, intervals are wide and a warning says so.
constexpr std::size_t kSmallSample = 30;
constexpr std::size_t kRespondentsPerItem = 10;

std::string number_text(double x) {
  std::string out;
  detail::append_json_number(out, x);
  return out;
}

std::string quoted_list(const std::vector<std::string>& ids) {
  std::string out;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ", ";
    out += "\"" + ids[i] + "\"";
  }
  return out;
}

// Share of each raw answer value among an item's answers. Answers lie on the
// item's scale grid, so counting by grid index is O(1) per answer; a value off
// the grid (possible only in a hand-built ResponseMatrix) is counted by value.
class ValueCounter {
 public:
  explicit ValueCounter(const Scale& scale) : scale_(scale) {
    const double cells = std::floor((scale.max - scale.min) / scale.step + 0.5) + 1;
    if (cells >= 1 && cells <= 1e6) grid_.assign(static_cast<std::size_t>(cells), {0.0, 0});
  }

  void add(double x) {
    const double index = std::floor((x - scale_.min) / scale_.step + 0.5);
    if (index >= 0 && index < static_cast<double>(grid_.size()) &&
        std::abs(scale_.min + index * scale_.step - x) <= 1e-9 * scale_.step) {
      auto& cell = grid_[static_cast<std::size_t>(index)];
      if (cell.second++ == 0) cell.first = x;
      return;
    }
    ++off_grid_[x];
  }

  // (value, count) in ascending order of value.
  std::map<double, std::size_t> counts() const {
    std::map<double, std::size_t> out = off_grid_;
    for (const auto& [value, count] : grid_) {
      if (count > 0) out[value] += count;
    }
    return out;
  }

 private:
  Scale scale_;
  std::vector<std::pair<double, std::size_t>> grid_;
  std::map<double, std::size_t> off_grid_;
};

struct ItemScreen {
  std::vector<std::size_t> kept;  // positions in the subscale's item list
  std::vector<std::string> dropped_ids;
  std::vector<std::string> warnings;
};

// psych drops items whose sd is 0 or NA (no answers, or one); so does
// psyscore, but it says which and why. rows: row indices into `responses`.
void screen_items(const Instrument& instrument, const Subscale& subscale, const ResponseMatrix& responses,
                  const std::vector<std::size_t>& rows, const std::vector<std::size_t>& candidates, ItemScreen& screen,
                  std::string_view context) {
  std::vector<std::size_t> kept;
  for (const std::size_t position : candidates) {
    const std::size_t item = subscale.items[position];
    std::size_t answers = 0;
    double first = 0;
    bool varies = false;
    for (const std::size_t r : rows) {
      const double x = responses.at(r, item);
      if (is_missing(x)) continue;
      if (answers++ == 0) {
        first = x;
      } else if (x != first) {
        varies = true;
      }
    }
    if (varies) {
      kept.push_back(position);
      continue;
    }
    const std::string& id = instrument.items[item].id;
    screen.dropped_ids.push_back(id);
    std::string why;
    if (answers == 0) {
      why = "has no answers";
    } else if (answers == 1) {
      why = "has a single answer";
    } else {
      why = "has no variance (every answer is " + number_text(first) + ")";
    }
    screen.warnings.push_back("item \"" + id + "\" " + why + std::string(context) + " and was left out of subscale \"" +
                              subscale.id + "\" (its k, alpha and scores)");
  }
  screen.kept = std::move(kept);
}

struct SubscaleOutcome {
  std::optional<SubscaleReliability> result;
  std::vector<Problem> problems;
};

SubscaleOutcome analyse_subscale(const Instrument& instrument, const Subscale& subscale,
                                 const ResponseMatrix& responses, const std::vector<std::size_t>& usable_rows,
                                 const ReliabilityOptions& options) {
  SubscaleOutcome outcome;
  SubscaleReliability out;
  out.id = subscale.id;
  const std::string pointer = "/subscales/" + subscale.id;

  std::size_t answering = 0;
  for (const std::size_t r : usable_rows) {
    const bool any =
        std::ranges::any_of(subscale.items, [&](std::size_t item) { return !is_missing(responses.at(r, item)); });
    answering += any ? 1 : 0;
  }
  if (answering < 2) {
    outcome.problems.push_back(problem_at(pointer, "too_few_respondents",
                                          "subscale \"" + subscale.id +
                                              "\" needs answers from at least 2 respondents; " +
                                              std::to_string(answering) + " answered any of its items"));
    return outcome;
  }

  std::vector<std::size_t> all_positions(subscale.items.size());
  for (std::size_t i = 0; i < all_positions.size(); ++i) all_positions[i] = i;
  ItemScreen screen;
  screen_items(instrument, subscale, responses, usable_rows, all_positions, screen, "");

  std::vector<std::size_t> rows = usable_rows;
  if (options.missing == MissingData::listwise) {
    std::erase_if(rows, [&](std::size_t r) {
      return std::ranges::any_of(
          screen.kept, [&](std::size_t position) { return is_missing(responses.at(r, subscale.items[position])); });
    });
    if (rows.size() < usable_rows.size()) {
      out.warnings.push_back(std::to_string(usable_rows.size() - rows.size()) + " of " +
                             std::to_string(usable_rows.size()) +
                             " respondents missed an item and were left out (listwise deletion)");
    }
    if (rows.size() < 2) {
      outcome.problems.push_back(problem_at(pointer, "too_few_respondents",
                                            "subscale \"" + subscale.id +
                                                "\" needs at least 2 respondents who answered every item for listwise "
                                                "deletion; " +
                                                std::to_string(rows.size()) + " did"));
      return outcome;
    }
    // An item can be constant among the complete rows only.
    const std::vector<std::size_t> candidates = screen.kept;
    screen_items(instrument, subscale, responses, rows, candidates, screen, " among the complete rows");
  }
  out.dropped_items = screen.dropped_ids;
  out.warnings.insert(out.warnings.begin(), screen.warnings.begin(), screen.warnings.end());
  if (screen.kept.size() < 2) {
    outcome.problems.push_back(problem_at(
        pointer, "too_few_items",
        "subscale \"" + subscale.id + "\" needs at least 2 items with varying answers; " +
            std::to_string(screen.kept.size()) + " left after leaving out " + quoted_list(screen.dropped_ids)));
    return outcome;
  }

  const auto n = static_cast<Eigen::Index>(rows.size());
  const auto k = static_cast<Eigen::Index>(screen.kept.size());
  Eigen::MatrixXd keyed(n, k);
  for (Eigen::Index j = 0; j < k; ++j) {
    const std::size_t item = subscale.items[screen.kept[static_cast<std::size_t>(j)]];
    const Item& definition = instrument.items[item];
    for (Eigen::Index r = 0; r < n; ++r) {
      const double x = responses.at(rows[static_cast<std::size_t>(r)], item);
      keyed(r, j) = is_missing(x) ? x : definition.keyed(x);
    }
  }

  const PairwiseMoments moments = pairwise_moments(keyed);
  const AlphaSuite suite = alpha_suite(keyed, moments, options.ci_level);
  out.n = suite.n;
  out.k = suite.k;
  out.raw_alpha = suite.total.raw_alpha;
  out.std_alpha = suite.total.std_alpha;
  out.g6_smc = suite.total.g6_smc;
  out.average_r = suite.total.average_r;
  out.median_r = suite.total.median_r;
  out.s_n = suite.total.s_n;
  out.ase = suite.ase;
  out.var_r = suite.total.var_r;
  out.mean = suite.mean;
  out.sd = suite.sd;
  out.sd_total_sum = static_cast<double>(k) * suite.sd;
  out.sem = out.sd_total_sum * std::sqrt(1 - suite.total.raw_alpha);
  out.feldt = suite.feldt;
  out.duhachek = suite.duhachek;

  std::vector<std::string> kept_ids;
  for (const std::size_t position : screen.kept) kept_ids.push_back(instrument.items[subscale.items[position]].id);

  // Response frequencies of the raw answers over the rows used; every value
  // seen in any kept item gets a key in every item, as psych does.
  std::vector<std::map<double, std::size_t>> counts;
  std::map<double, std::size_t> seen;
  for (const std::size_t position : screen.kept) {
    const std::size_t item = subscale.items[position];
    ValueCounter counter(instrument.items[item].scale);
    for (const std::size_t r : rows) {
      const double x = responses.at(r, item);
      if (!is_missing(x)) counter.add(x);
    }
    counts.push_back(counter.counts());
    for (const auto& [value, count] : counts.back()) seen[value] += count;
  }

  for (std::size_t i = 0; i < suite.items.size(); ++i) {
    const ItemAlphaStatistics& s = suite.items[i];
    ItemReliability item;
    item.id = kept_ids[i];
    item.n = s.n;
    item.raw_r = s.raw_r;
    item.std_r = s.std_r;
    item.r_cor = s.r_cor;
    item.r_drop = s.r_drop;
    item.mean = s.mean;
    item.sd = s.sd;
    item.alpha_if_dropped = s.dropped;
    for (const auto& [value, ignored] : seen) {
      const auto it = counts[i].find(value);
      const double count = it == counts[i].end() ? 0.0 : static_cast<double>(it->second);
      item.response_freq.emplace_back(value, count / static_cast<double>(s.n));
    }
    item.miss = 1 - static_cast<double>(s.n) / static_cast<double>(n);
    out.items.push_back(std::move(item));
  }

  const OmegaTotal omega = omega_total_one_factor(moments.correlation);
  out.omega_total = omega.omega_total;
  out.omega_loadings.assign(omega.loadings.data(), omega.loadings.data() + omega.loadings.size());
  for (const Eigen::Index i : omega.flipped) out.omega_flipped.push_back(kept_ids[static_cast<std::size_t>(i)]);

  const SplitHalfResult split =
      split_half(suite.correlation, kMaxExhaustiveSplitItems, options.split_half_samples, options.split_half_seed);
  out.split_half.max = split.max;
  out.split_half.min = split.min;
  out.split_half.mean = split.mean;
  out.split_half.splits = split.splits;
  out.split_half.exhaustive = split.exhaustive;
  out.split_half.lambda2 = split.lambda2;
  out.split_half.lambda6 = split.lambda6;
  for (const Eigen::Index i : split.max_half) out.split_half.max_half.push_back(kept_ids[static_cast<std::size_t>(i)]);
  for (const Eigen::Index i : split.min_half) out.split_half.min_half.push_back(kept_ids[static_cast<std::size_t>(i)]);

  if (options.bootstrap) {
    const BootstrapResult boot = bootstrap_raw_alpha(keyed, options.bootstrap->iterations, options.bootstrap->seed,
                                                     options.ci_level, options.threads);
    BootstrapInterval interval;
    interval.lower = boot.lower;
    interval.median = boot.median;
    interval.upper = boot.upper;
    interval.iterations = boot.iterations;
    interval.seed = options.bootstrap->seed;
    interval.undefined = boot.undefined;
    out.bootstrap = interval;
    if (boot.undefined > 0) {
      out.warnings.push_back(std::to_string(boot.undefined) + " of " + std::to_string(boot.iterations) +
                             " bootstrap resamples had no defined alpha (e.g. no variance) and were left out of the "
                             "bootstrap quantiles");
    }
  }

  // Warnings, from the data to the statistics.
  std::vector<std::string> sparse_pairs;
  for (Eigen::Index j = 0; j < k; ++j) {
    for (Eigen::Index i = j + 1; i < k; ++i) {
      if (moments.counts(i, j) < 2) {
        sparse_pairs.push_back(kept_ids[static_cast<std::size_t>(j)] + "/" + kept_ids[static_cast<std::size_t>(i)]);
      }
    }
  }
  if (!sparse_pairs.empty()) {
    out.warnings.push_back("items " + quoted_list(sparse_pairs) +
                           " were answered together by fewer than 2 respondents: their covariance, and every "
                           "statistic that needs it, is null");
  }
  if (k == 2) {
    out.warnings.push_back(
        "with 2 items alpha_if_dropped follows psych's special case: raw_alpha is the covariance over the variance "
        "of the remaining item (it can exceed 1), std_alpha, average_r and med_r are the inter-item correlation, "
        "var_r is 0 and alpha_se is null");
  }
  if (out.raw_alpha < 0) {
    out.warnings.push_back("raw alpha is negative (" + number_text(out.raw_alpha) +
                           "): the items correlate negatively on average; check reverse keys or whether they measure "
                           "one construct (alpha is reported, not clipped)");
  }
  if (rows.size() < kSmallSample || rows.size() < kRespondentsPerItem * static_cast<std::size_t>(k)) {
    out.warnings.push_back("n = " + std::to_string(rows.size()) + " is small for " + std::to_string(k) +
                           " items (fewer than 30 respondents or fewer than 10 per item): confidence intervals are "
                           "wide and the statistics unstable");
  }
  if (rows.size() <= static_cast<std::size_t>(k)) {
    out.warnings.push_back("alpha_if_dropped.alpha_se is null because n <= k (as psych)");
  }
  if (suite.smc.clipped_high || suite.smc.clipped_low || suite.smc_clipped_in_drops) {
    out.warnings.push_back(
        "the item correlation matrix is singular or not positive definite (few respondents or pairwise deletion): "
        "squared multiple correlations were clipped to [0, 1] as psych does, which affects g6_smc and r_cor");
  }
  if (!omega.flipped.empty()) {
    std::vector<std::string> ids;
    for (const Eigen::Index i : omega.flipped) ids.push_back(kept_ids[static_cast<std::size_t>(i)]);
    out.warnings.push_back("omega_total: item(s) " + quoted_list(ids) +
                           " load negatively on the common factor and were reversed before computing omega, as psych "
                           "does; without reversing, omega_total would be " +
                           number_text(omega.omega_total_unflipped));
  }
  if (omega.heywood) {
    out.warnings.push_back(
        "omega_total: the one-factor fit is a Heywood case (a communality reaches 1); uniquenesses are bounded "
        "below at 0.005 as psych does, but psych's optimiser stops short of that solution, so its omega_total "
        "can differ in the third decimal");
  }
  if (!omega.fit.converged && std::isfinite(omega.omega_total)) {
    out.warnings.push_back("omega_total: the one-factor minres fit did not converge tightly");
  }
  outcome.result = std::move(out);
  return outcome;
}

}  // namespace

std::string_view to_string(MissingData missing) { return missing == MissingData::listwise ? "listwise" : "pairwise"; }

Result<ReliabilityReport> reliability(const Instrument& instrument, const ResponseMatrix& responses,
                                      const ReliabilityOptions& options) {
  ReliabilityReport report;
  report.missing = options.missing;
  report.ci_level = options.ci_level;
  std::vector<Problem> problems;

  if (!(options.ci_level > 0 && options.ci_level < 1)) {
    problems.push_back(problem_at("/ci_level", "out_of_range",
                                  "ci_level must lie strictly between 0 and 1; got " + number_text(options.ci_level)));
  }
  if (options.bootstrap &&
      (options.bootstrap->iterations < 1 || options.bootstrap->iterations > kMaxBootstrapIterations)) {
    problems.push_back(problem_at(
        "/bootstrap/iterations", "out_of_range",
        "bootstrap iterations must be between 1 and 1000000; got " + std::to_string(options.bootstrap->iterations)));
  }

  std::vector<std::size_t> selected;
  if (options.subscales.empty()) {
    for (std::size_t s = 0; s < instrument.subscales.size(); ++s) {
      if (instrument.subscales[s].items.size() >= 2) {
        selected.push_back(s);
      } else {
        report.warnings.push_back("subscale \"" + instrument.subscales[s].id +
                                  "\" has a single item and has no reliability to report");
      }
    }
  } else {
    std::vector<std::string> known;
    for (const auto& subscale : instrument.subscales) known.push_back(subscale.id);
    for (std::size_t i = 0; i < options.subscales.size(); ++i) {
      const std::string& id = options.subscales[i];
      const std::string pointer = "/subscales/" + std::to_string(i);
      const auto index = instrument.subscale_index(id);
      if (!index) {
        problems.push_back(problem_at(
            pointer, "unknown_subscale",
            "instrument \"" + instrument.id + "\" has no subscale \"" + id + "\" (it has " + quoted_list(known) + ")"));
      } else if (std::ranges::find(selected, *index) != selected.end()) {
        problems.push_back(problem_at(pointer, "duplicate_subscale", "subscale \"" + id + "\" is listed twice"));
      } else if (instrument.subscales[*index].items.size() < 2) {
        problems.push_back(problem_at(pointer, "too_few_items",
                                      "subscale \"" + id + "\" has a single item; reliability needs at least 2"));
      } else {
        selected.push_back(*index);
      }
    }
  }
  if (!problems.empty()) return std::unexpected(detail::invalid(std::move(problems), "invalid reliability options"));

  std::vector<std::size_t> usable_rows;
  usable_rows.reserve(responses.respondent_count());
  for (std::size_t r = 0; r < responses.respondent_count(); ++r) {
    if (responses.usable(r)) usable_rows.push_back(r);
  }
  report.warnings.insert(report.warnings.begin(), responses.warnings.begin(), responses.warnings.end());
  const std::size_t excluded = responses.respondent_count() - usable_rows.size();
  if (excluded > 0) {
    report.warnings.push_back(std::to_string(excluded) +
                              " respondent(s) with invalid answers were left out (`psyscore score` lists the errors)");
  }

  for (const std::size_t s : selected) {
    SubscaleOutcome outcome = analyse_subscale(instrument, instrument.subscales[s], responses, usable_rows, options);
    if (outcome.result) report.subscales.push_back(std::move(*outcome.result));
    problems.insert(problems.end(), outcome.problems.begin(), outcome.problems.end());
  }
  if (!problems.empty()) {
    std::string several = std::to_string(problems.size()) + " subscales cannot be analysed";
    return std::unexpected(detail::invalid(std::move(problems), std::move(several)));
  }
  return report;
}

}  // namespace psyscore
